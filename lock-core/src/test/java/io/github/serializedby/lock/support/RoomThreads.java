package io.github.serializedby.lock.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/** The workers, the delivery threads and the timer a provider would give its room, for one test. */
final class RoomThreads implements AutoCloseable {

    static final int WORKERS = 2;

    final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemon("room-test-worker"));
    final ExecutorService delivery = Executors.newFixedThreadPool(WORKERS + 2, daemon("room-test-delivery"));
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("room-test-timer"));

    private static ThreadFactory daemon(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        delivery.shutdownNow();
    }
}
