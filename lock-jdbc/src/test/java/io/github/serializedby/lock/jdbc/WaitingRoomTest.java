package io.github.serializedby.lock.jdbc;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The waiting room against a store that fails with an {@link Error} (a driver bug, a linkage error): the
 * attempt that failed is reported to its caller, and the key stays usable for everyone else.
 */
class WaitingRoomTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ProviderThreads threads = new ProviderThreads("waiting-room-test", 2);
    private final FailingOnceStore store = new FailingOnceStore();
    private final WaitingRoom room =
            new WaitingRoom(store, threads.workers, threads.timer, Duration.ofSeconds(30), LockListener.NOOP);
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

    /** A store whose lock is free unless held through it, and whose next attempt can be made to fail. */
    private static final class FailingOnceStore implements LockStore {

        private final AtomicInteger holders = new AtomicInteger();
        private final AtomicInteger tokens = new AtomicInteger();
        private volatile boolean failNext;

        void failNextAttempt() {
            failNext = true;
        }

        @Override
        public @Nullable Hold tryLock(LockRequest request, long lockId, boolean waiting) {
            if (failNext) {
                failNext = false;
                throw new LinkageError("a driver that fails with an Error");
            }
            if (!holders.compareAndSet(0, 1)) {
                return null;
            }
            long token = tokens.incrementAndGet();
            return new Hold() {
                @Override
                public long token() {
                    return token;
                }

                @Override
                public long lastToken() {
                    return token;
                }

                @Override
                public boolean isValid() {
                    return true;
                }

                @Override
                public void release() {
                    holders.set(0);
                }

                @Override
                public void onLost(Runnable callback) {}
            };
        }

        @Override
        public void close() {}
    }
}
