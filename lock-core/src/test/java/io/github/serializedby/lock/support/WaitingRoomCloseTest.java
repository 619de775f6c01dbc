package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A closed room: every new call fails at once, and no waiter, whether it came before, during or after
 * the close, is left without an answer once the provider has stopped its timer.
 */
@Timeout(60)
class WaitingRoomCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final WaitingRoom<String> room = new WaitingRoom<>(
            store, threads.workers, threads.delivery, threads.timer, Duration.ofHours(1), LockListener.NOOP);
    private final LockRequest held = LockRequest.exclusive("close", "held");
    private final LockRequest heldElsewhere = LockRequest.exclusive("close", "elsewhere");

    @AfterEach
    void closeThreads() {
        threads.close();
    }

    @Test
    void afterCloseEveryCallFailsAtOnce() {
        room.close();

        assertThatThrownBy(() -> room.tryAcquire(held)).isInstanceOf(LockProviderUnavailableException.class);
        assertThat(room.acquire(held, WAIT)).isCompletedExceptionally();
        assertThat(room.acquire(held, Duration.ZERO)).isCompletedExceptionally();
        assertThatThrownBy(() -> room.acquireBlocking(held, WAIT)).isInstanceOf(LockProviderUnavailableException.class);
        assertThat(store.attempts).hasValue(0);
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void noWaiterIsLeftUnansweredByAClose() throws Exception {
        Lease holder = room.tryAcquire(held).orElseThrow();
        store.holdElsewhere(store.key(heldElsewhere));
        int callers = 6;
        int callsEach = 40;
        CountDownLatch start = new CountDownLatch(1);
        // an asynchronous caller halfway through its calls; a blocking one about to block on its first
        CountDownLatch halfway = new CountDownLatch(callers);
        List<CompletableFuture<Optional<Lease>>> outcomes = new ArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            boolean blocking = c % 2 == 0;
            List<CompletableFuture<Optional<Lease>>> mine = new ArrayList<>();
            for (int i = 0; i < callsEach; i++) {
                mine.add(new CompletableFuture<>());
            }
            outcomes.addAll(mine);
            Thread caller = new Thread(() -> {
                Waits.quietly(start);
                for (int i = 0; i < callsEach; i++) {
                    if (i == (blocking ? 0 : callsEach / 2)) {
                        halfway.countDown();
                    }
                    LockRequest request = i % 2 == 0 ? held : heldElsewhere;
                    CompletableFuture<Optional<Lease>> outcome = mine.get(i);
                    if (blocking) {
                        outcome.completeAsync(() -> acquireBlocking(request), Runnable::run);
                    } else {
                        room.acquire(request, WAIT).whenComplete((granted, failure) -> {
                            if (failure != null) {
                                outcome.completeExceptionally(failure);
                            } else {
                                outcome.complete(granted);
                            }
                        });
                    }
                    room.signal(store.key(heldElsewhere));
                }
            });
            caller.setDaemon(true);
            caller.start();
            started.add(caller);
        }

        start.countDown();
        assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
        room.close();
        threads.timer.shutdownNow();

        for (CompletableFuture<Optional<Lease>> outcome : outcomes) {
            assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
                    .as("every waiter fails once the room closes")
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(LockProviderUnavailableException.class);
        }
        for (Thread caller : started) {
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(caller.isAlive()).as("a blocked caller returned").isFalse();
        }
        holder.release();
    }

    @Test
    void aWaiterWhoseFirstAttemptIsInFlightDuringCloseIsAnswered() throws Exception {
        store.holdElsewhere(store.key(heldElsewhere));
        TableStore.Pause pause = store.pauseNextAttempt();
        CompletableFuture<Optional<Lease>> waiting = room.acquire(heldElsewhere, WAIT);
        assertThat(pause.started().await(10, TimeUnit.SECONDS)).isTrue();

        closeWhileInFlight(pause);

        assertClosedFailure(waiting);
    }

    @Test
    void aWaiterWhoseAttemptByThePumpIsInFlightDuringCloseIsAnswered() throws Exception {
        store.holdElsewhere(store.key(heldElsewhere));
        CompletableFuture<Optional<Lease>> waiting = room.acquire(heldElsewhere, WAIT);
        Waits.until(() -> store.waiting.get() > 0); // its first attempt failed: it waits in the queue
        TableStore.Pause pause = store.pauseNextAttempt();
        room.signal(store.key(heldElsewhere));
        assertThat(pause.started().await(10, TimeUnit.SECONDS)).isTrue();

        closeWhileInFlight(pause);

        assertClosedFailure(waiting);
    }

    @Test
    void aContinuationThatBlocksOnTheFailureDoesNotHoldUpTheClose() throws Exception {
        Lease holder = room.tryAcquire(held).orElseThrow();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        CompletableFuture<Void> continuation = room.acquire(held, WAIT).handle((granted, failure) -> {
            entered.countDown();
            Waits.quietly(unblock);
            return null;
        });
        Waits.until(() -> store.waiting.get() > 0);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(room::close);
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            closing.get(10, TimeUnit.SECONDS);
        } finally {
            unblock.countDown();
        }
        continuation.get(10, TimeUnit.SECONDS);
        holder.release();
    }

    /**
     * Closes while an attempt is held in flight, then lets it answer "held". The waiter's deadline is far
     * off, so only the close can answer it within the assertion's time.
     */
    private void closeWhileInFlight(TableStore.Pause pause) {
        room.close();
        pause.resume().countDown();
    }

    private static void assertClosedFailure(CompletableFuture<Optional<Lease>> waiting) {
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(LockProviderUnavailableException.class);
    }

    /** Blocks on the caller like a provider's acquireBlocking; its failure completes the outcome. */
    private Optional<Lease> acquireBlocking(LockRequest request) {
        try {
            return room.acquireBlocking(request, WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
