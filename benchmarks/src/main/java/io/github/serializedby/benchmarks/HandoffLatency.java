package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hand-off latency: the time from a holder's release to the waiter running, measured over many
 * hand-offs between two threads that take turns on one key.
 */
final class HandoffLatency {

    /** Percentiles of one series, in microseconds. */
    record Percentiles(double p50, double p99, double p999) {

        static Percentiles of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Percentiles(at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999));
        }

        private static double at(long[] sorted, double quantile) {
            return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1_000.0;
        }
    }

    private HandoffLatency() {}

    /** Hand-offs through the provider: the waiter is queued before the holder releases. */
    static Percentiles provider(LockProvider provider, int handoffs) throws Exception {
        LockRequest request = LockRequest.exclusive("handoff", "hot");
        long[] latencies = new long[handoffs];
        Lease held = provider.tryAcquire(request).orElseThrow();
        for (int i = 0; i < handoffs; i++) {
            CompletableFuture<Optional<Lease>> waiting = provider.acquire(request, Duration.ofSeconds(30));
            long[] releasedAt = new long[1];
            CompletableFuture<Long> granted = CompletableFuture.supplyAsync(() -> {
                try {
                    waiting.get(30, TimeUnit.SECONDS).orElseThrow();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return System.nanoTime();
            });
            Thread.onSpinWait();
            Lease previous = held;
            releasedAt[0] = System.nanoTime();
            previous.release();
            long runningAt = granted.get(30, TimeUnit.SECONDS);
            latencies[i] = runningAt - releasedAt[0];
            held = waiting.get().orElseThrow();
        }
        held.release();
        return Percentiles.of(latencies);
    }

    /** The same hand-offs through a fair {@code ReentrantLock}, as the baseline. */
    static Percentiles fairReentrantLock(int handoffs) throws Exception {
        ReentrantLock lock = new ReentrantLock(true);
        long[] latencies = new long[handoffs];
        for (int i = 0; i < handoffs; i++) {
            lock.lock();
            CompletableFuture<Long> granted = CompletableFuture.supplyAsync(() -> {
                lock.lock();
                long runningAt = System.nanoTime();
                lock.unlock();
                return runningAt;
            });
            while (!lock.hasQueuedThreads()) {
                Thread.onSpinWait();
            }
            long releasedAt = System.nanoTime();
            lock.unlock();
            latencies[i] = granted.get(30, TimeUnit.SECONDS) - releasedAt;
        }
        return Percentiles.of(latencies);
    }
}
