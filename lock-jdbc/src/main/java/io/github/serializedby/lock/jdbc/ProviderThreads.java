package io.github.serializedby.lock.jdbc;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few daemon threads a provider owns: workers that make the database attempts of waiters, delivery
 * threads on which asynchronous callers' continuations run (started on demand, ended when idle), and one
 * timer for deadlines, rechecks and lease renewals. Their number does not grow with the waiters.
 */
final class ProviderThreads implements AutoCloseable {

    final ExecutorService workers;
    final ThreadPoolExecutor delivery;
    final ScheduledThreadPoolExecutor timer;

    ProviderThreads(String prefix, int workerThreads, int deliveryThreads) {
        workers = new ThreadPoolExecutor(
                workerThreads,
                workerThreads,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                daemons(prefix + "-worker-"));
        delivery = new ThreadPoolExecutor(
                deliveryThreads,
                deliveryThreads,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                daemons(prefix + "-delivery-"));
        delivery.allowCoreThreadTimeOut(true);
        timer = new ScheduledThreadPoolExecutor(1, daemons(prefix + "-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Stops the timer, lets the workers finish what they were handed (within five seconds), then lets the
     * delivery threads answer the callers still queued, without waiting for continuations that may block.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        delivery.shutdown();
    }
}
