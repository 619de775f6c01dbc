package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The waiting room against a store that fails with an {@link Error} (a driver bug, a linkage error): the
 * attempt that failed is reported to its caller, and the key stays usable for everyone else.
 */
class WaitingRoomErrorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final WaitingRoom<String> room = new WaitingRoom<>(
            store, threads.workers, threads.delivery, threads.timer, Duration.ofSeconds(30), LockListener.NOOP);
    private final LockRequest request = LockRequest.exclusive("waiting-room", "key");

    @AfterEach
    void closeThreads() {
        threads.close();
    }

    @Test
    void anErrorInAWaitersAttemptFailsThatWaiterAndTheNextIsStillServed() throws Exception {
        Lease holder = room.tryAcquire(request).orElseThrow();
        CompletableFuture<Optional<Lease>> failing = room.acquire(request, WAIT);
        CompletableFuture<Optional<Lease>> next = room.acquire(request, WAIT);
        store.failNextAttempt();

        holder.release();

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(LinkageError.class);
        next.get(10, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void anErrorInTheFirstAsynchronousAttemptLeavesTheKeyFree() throws Exception {
        store.failNextAttempt();

        CompletableFuture<Optional<Lease>> failing = room.acquire(request, WAIT);

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(LinkageError.class);
        room.tryAcquire(request).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void anErrorInATryLeavesTheKeyFree() {
        store.failNextAttempt();

        assertThatThrownBy(() -> room.tryAcquire(request)).isInstanceOf(LinkageError.class);

        room.tryAcquire(request).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
    }
}
