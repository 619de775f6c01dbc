package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Which threads the room runs on and lets run: a caller's continuation never runs on the workers the
 * room's progress depends on, and a thread that must not block (an event loop) makes no store call.
 */
@Timeout(60)
class WaitingRoomThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final WaitingRoom<String> room = new WaitingRoom<>(
            store, threads.workers, threads.delivery, threads.timer, Duration.ofHours(1), LockListener.NOOP);
    private final Scheduler eventLoop = Schedulers.newSingle("event-loop");
    private final LockRequest request = LockRequest.exclusive("threads", "key");

    @AfterEach
    void close() {
        eventLoop.dispose();
        room.close();
        threads.close();
    }

    @Test
    void continuationsThatBlockDoNotStopAnotherKeyBeingGranted() throws Exception {
        int blocking = RoomThreads.WORKERS;
        CountDownLatch entered = new CountDownLatch(blocking);
        CountDownLatch unblock = new CountDownLatch(1);
        List<Lease> holders = new ArrayList<>();
        List<CompletableFuture<Void>> continuations = new ArrayList<>();
        try {
            for (int i = 0; i < blocking; i++) {
                LockRequest busy = LockRequest.exclusive("threads", "busy-" + i);
                holders.add(room.tryAcquire(busy).orElseThrow());
                continuations.add(room.acquire(busy, WAIT).thenAccept(granted -> {
                    entered.countDown();
                    Waits.quietly(unblock);
                    granted.orElseThrow().release();
                }));
            }
            holders.forEach(Lease::release);
            assertThat(entered.await(10, TimeUnit.SECONDS))
                    .as("the blocking continuations started")
                    .isTrue();

            Optional<Lease> other = room.acquire(request, WAIT).get(10, TimeUnit.SECONDS);

            assertThat(other)
                    .as("another key, granted while continuations block")
                    .isPresent();
            other.orElseThrow().release();
        } finally {
            unblock.countDown();
        }
        CompletableFuture.allOf(continuations.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void tryAcquireOnANonBlockingThreadFailsWithoutAStoreCall() {
        assertThatThrownBy(() -> onEventLoop(() -> room.tryAcquire(request)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must never block");
        assertThat(store.attempts).hasValue(0);
    }

    @Test
    void theFirstAttemptOnTheCallerFailsOnANonBlockingThreadWithoutAStoreCall() {
        LockProvider onCaller = room.firstAttemptOnCaller();

        assertThatThrownBy(() -> onEventLoop(() -> onCaller.acquire(request, WAIT)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> onEventLoop(() -> room.acquireBlocking(request, WAIT)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> onEventLoop(() -> onCaller.acquire(request, Duration.ZERO)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(store.attempts).hasValue(0);
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void aReleaseOnANonBlockingThreadGivesTheLockBackOnAWorker() throws Exception {
        Lease lease = room.tryAcquire(request).orElseThrow();
        CompletableFuture<Optional<Lease>> next = room.acquire(request, WAIT);

        Thread releasing = onEventLoop(() -> {
            lease.release();
            return Thread.currentThread();
        });

        next.get(10, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(store.releasingThreads).isNotEmpty().doesNotContain(releasing);
        assertThat(store.heldCount()).isZero();
    }

    /** Runs {@code call} on a Reactor non-blocking thread and returns its result, or throws its failure. */
    private <T> T onEventLoop(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        eventLoop.schedule(() -> {
            try {
                result.complete(call.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
