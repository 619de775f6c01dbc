package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The room's count of waiters, on paths the contract suite cannot time: a waiter leaving mid-attempt. */
@Timeout(60)
class WaitingRoomBoundsTest {

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final WaitBounds bounds = new WaitBounds(100, new WaitLimits(100, 1, false));
    private final WaitingRoom<String> room = new WaitingRoom<>(
            store, threads.workers, threads.delivery, threads.timer, Duration.ofHours(1), LockListener.NOOP, bounds);

    @AfterEach
    void close() {
        room.close();
        threads.close();
    }

    /**
     * A caller cancelled while its first attempt is in flight, which then finds the key held elsewhere,
     * has left: it must not be counted as waiting, or the lock's bound shrinks for good.
     */
    @Test
    void aCallerCancelledDuringItsFirstAttemptIsNotCountedAsWaiting() throws Exception {
        LockRequest writer = LockRequest.exclusive("room", "key");
        store.holdElsewhere("room/key");
        TableStore.Pause pause = store.pauseNextAttempt();
        CompletableFuture<Optional<Lease>> waiting = room.acquire(writer, Duration.ofSeconds(30));
        assertThat(pause.started().await(10, TimeUnit.SECONDS)).isTrue();

        waiting.cancel(false);
        pause.resume().countDown();
        threads.workers.shutdown();
        assertThat(threads.workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(bounds.waiting()).as("waiting in the application").isZero();
        assertThat(bounds.waiting("room")).as("waiting for the lock").isZero();
    }
}
