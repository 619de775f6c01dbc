package io.github.serializedby.lock.support;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The workers and the timer a provider would give its room, for one test. */
final class RoomThreads implements AutoCloseable {

    final ExecutorService workers = Executors.newFixedThreadPool(2, daemon("room-test-worker"));
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("room-test-timer"));

    private static java.util.concurrent.ThreadFactory daemon(String name) {
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
    }
}
