package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a waiter comes into a {@link WaitingRoom}: a first attempt if nobody is ahead, else a place at the
 * back of its key's queue; then the store is told of the waiter and its deadline is armed.
 *
 * <p>Invariant: a waiter's entry is settled exactly once ({@link Waiter#claimEntry}), either by the
 * thread that lets it in or by its cancellation before that, which gives back at once what the waiter
 * took under the key's monitor; every waiter let in is balanced by one {@link LockStore#stopWaiting}, and
 * every waiter {@link WaitBounds} admitted leaves its count once its future completes, however.
 */
final class Entrance<K> {

    private final KeyQueues<K> queues;
    private final ScheduledExecutorService timer;

    Entrance(KeyQueues<K> queues, ScheduledExecutorService timer) {
        this.queues = queues;
        this.timer = timer;
    }

    /**
     * Lets a caller wait for up to {@code maxWait} (positive): it tries at once if nobody is ahead, else
     * queues. With {@code onCaller} the first attempt runs on the calling thread, else on a worker.
     */
    CompletableFuture<Optional<Lease>> enter(LockRequest request, Duration maxWait, boolean onCaller) {
        K key = queues.store.key(request);
        long start = System.nanoTime();
        Waiter<K> waiter;
        long signalsBefore;
        boolean reserved;
        while (true) {
            KeyState<K> state = queues.states.computeIfAbsent(key, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                waiter = new Waiter<>(request, state, onCaller);
                signalsBefore = state.signals;
                reserved = state.canTryNow(request.mode());
                if (reserved) {
                    state.hold(request.mode());
                    Lease joined = queues.joinGroup(state, request);
                    if (joined != null) {
                        return CompletableFuture.completedFuture(Optional.of(joined));
                    }
                } else if (!queues.queue(state, waiter, false)) {
                    queues.retireIfIdle(state);
                    return CompletableFuture.failedFuture(KeyQueues.closed(request));
                } else {
                    try {
                        queues.admit(state, waiter, saturatedNanos(maxWait));
                    } catch (LockQueueFullException e) {
                        state.remove(waiter);
                        return CompletableFuture.failedFuture(e);
                    }
                }
                break;
            }
        }
        Waiter<K> entering = waiter;
        waiter.future.whenComplete((granted, failure) -> queues.countOut(entering));
        boolean tryFirst = reserved;
        long signalsSeen = signalsBefore;
        Runnable enter = () -> letIn(entering, tryFirst, signalsSeen, maxWait.minusNanos(System.nanoTime() - start));
        if (onCaller) {
            enter.run();
            return waiter.future;
        }
        waiter.future.whenComplete((granted, failure) -> {
            if ((granted == null || granted.isEmpty()) && entering.claimEntry()) {
                leaveBeforeEntering(entering, tryFirst);
            }
        });
        try {
            queues.workers.execute(enter);
        } catch (RejectedExecutionException e) {
            waiter.future.completeExceptionally(KeyQueues.closed(request));
        }
        return waiter.future;
    }

    /**
     * A waiter cancelled (or failed) before a worker let it in gives back at once, on the cancelling
     * thread and without a store call, what it took under the monitor: its place as a holder or in the
     * queue. The key is then free for the caller's next try, as if the waiter had never come.
     */
    private void leaveBeforeEntering(Waiter<K> waiter, boolean reserved) {
        if (reserved) {
            queues.unreserve(waiter.state, waiter.request);
        } else {
            queues.abandon(waiter);
        }
    }

    /**
     * Lets a new waiter in: makes its first attempt if it could try at once ({@code reserved}), else, or
     * if the attempt finds the lock held, announces the waiter to the store and arms its deadline. Runs on
     * a worker, or on a caller that {@link WaitingRoom#firstAttemptOnCaller} has checked may block.
     */
    private void letIn(Waiter<K> waiter, boolean reserved, long signalsBefore, Duration remaining) {
        if (!waiter.claimEntry()) {
            return;
        }
        KeyState<K> state = waiter.state;
        LockRequest request = waiter.request;
        boolean pumpNow = false;
        if (reserved) {
            Lease lease;
            try {
                lease = queues.attemptReserved(state, request, true);
            } catch (RuntimeException | Error e) {
                queues.unreserve(state, request);
                queues.delivery.fail(waiter.future, waiter.direct, e);
                return;
            }
            if (lease != null) {
                queues.delivery.grant(waiter.future, waiter.direct, Optional.of(lease));
                return;
            }
            boolean requeued;
            boolean left = false;
            LockQueueFullException refused = null;
            synchronized (state) {
                state.unhold(request.mode());
                if (waiter.future.isDone()) {
                    // Cancelled during the attempt: its count-out has run (or waits for this monitor)
                    // and would find nothing, so it is neither counted nor queued.
                    left = true;
                    requeued = false;
                } else {
                    try {
                        queues.admit(state, waiter, saturatedNanos(remaining));
                        requeued = queues.queue(state, waiter, true);
                    } catch (LockQueueFullException e) {
                        refused = e;
                        requeued = false;
                    }
                }
                pumpNow = state.signals != signalsBefore || ((refused != null || left) && state.hasWaiters());
                queues.retireIfIdle(state);
            }
            if (left) {
                if (pumpNow) {
                    queues.schedulePump(state);
                }
                return;
            }
            if (refused != null) {
                queues.delivery.fail(waiter.future, waiter.direct, refused);
                if (pumpNow) {
                    queues.schedulePump(state);
                }
                return;
            }
            if (!requeued) {
                queues.delivery.fail(waiter.future, waiter.direct, KeyQueues.closed(request));
                return;
            }
        }
        pumpNow |= queues.store.startWaiting(state.key);
        arm(waiter, remaining);
        if (pumpNow) {
            queues.schedulePump(state);
        } else {
            queues.scheduleRecheck(state);
        }
    }

    /** Ends the waiter's wait at {@code remaining}, and cleans up once its future completes, however. */
    private void arm(Waiter<K> waiter, Duration remaining) {
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(
                    () -> {
                        waiter.expired = true;
                        queues.schedulePump(waiter.state);
                    },
                    Math.max(0, saturatedNanos(remaining)),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            queues.delivery.fail(waiter.future, waiter.direct, KeyQueues.closed(waiter.request));
            deadline = null;
        }
        ScheduledFuture<?> timeout = deadline;
        waiter.future.whenComplete((granted, failure) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            stopWaiting(waiter.state.key);
            if (granted == null || granted.isEmpty()) {
                queues.abandon(waiter);
            }
        });
    }

    private void stopWaiting(K key) {
        try {
            queues.workers.execute(() -> queues.store.stopWaiting(key));
        } catch (RejectedExecutionException e) {
            // closed: the store drops its markers when it closes
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
