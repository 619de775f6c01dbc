package io.github.serializedby.lock.redis;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The provider's threads: one timer for deadlines, rechecks and the lease watchdog, a pool for talking to
 * Redis (the waiting room's workers), and one for completing callers' futures; both pools grow on demand
 * and shrink when idle. None ever runs on Lettuce's I/O threads, so a caller's code that blocks cannot
 * stall the client. After {@link #shutdown()} a task still handed to {@link #execute} runs on the calling
 * thread, while the pools reject theirs, which the room reads as closed.
 */
final class ProviderThreads implements Executor {

    private static final AtomicInteger PROVIDERS = new AtomicInteger();

    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor delivery;

    ProviderThreads() {
        int id = PROVIDERS.incrementAndGet();
        timer = new ScheduledThreadPoolExecutor(1, daemon("serialized-by-redis-" + id + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        pool = new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                daemon("serialized-by-redis-" + id + "-worker"));
        delivery = new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                daemon("serialized-by-redis-" + id + "-delivery"));
    }

    /** The pool for the waiting room: it rejects tasks once shut down, which the room reads as closed. */
    Executor workers() {
        return pool;
    }

    /**
     * Where the waiting room completes callers' futures: a pool apart from the workers, growing with the
     * continuations that block at once, as Redis sets no bound on the locks held.
     */
    Executor delivery() {
        return delivery;
    }

    /** The timer for the waiting room's deadlines and rechecks. */
    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Runs {@code task} on the pool after {@code delay}; null once shut down. */
    @Nullable
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return timer.schedule(() -> execute(task), delay, unit);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} on the pool every {@code period} until shut down. */
    void scheduleEvery(Runnable task, long period, TimeUnit unit) {
        var unused = timer.scheduleWithFixedDelay(() -> execute(task), period, period, unit);
    }

    ReleaseSubscription.Scheduling forSubscription() {
        return new ReleaseSubscription.Scheduling() {
            @Override
            public void schedule(Runnable task, long delay, TimeUnit unit) {
                var unused = ProviderThreads.this.schedule(task, delay, unit);
            }

            @Override
            public void execute(Runnable task) {
                ProviderThreads.this.execute(task);
            }
        };
    }

    void shutdown() {
        timer.shutdownNow();
        pool.shutdown();
        delivery.shutdown();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
