package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A queued request, the future its caller holds, and the timer task that ends its wait. */
final class Waiter {

    final LockRequest request;
    final KeyState state;
    /** Whether the caller parks on {@link #future} (no continuation runs on completion). */
    final boolean blocking;

    final CompletableFuture<Optional<Lease>> future = new CompletableFuture<>();
    private volatile @Nullable Future<?> timeout;

    Waiter(LockRequest request, KeyState state, boolean blocking) {
        this.request = request;
        this.state = state;
        this.blocking = blocking;
    }

    /** Runs {@code expiry} after {@code nanos} unless the wait ends first. */
    void scheduleTimeout(Runnable expiry, long nanos) {
        timeout = Timer.INSTANCE.schedule(expiry, nanos, TimeUnit.NANOSECONDS);
        if (future.isDone()) {
            cancelTimeout();
        }
    }

    void cancelTimeout() {
        Future<?> task = timeout;
        if (task != null) {
            task.cancel(false);
        }
    }

    /** One daemon thread for the deadlines of all asynchronous waits, started on first use. */
    private static final class Timer {

        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "serialized-by-lock-timer");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }
}
