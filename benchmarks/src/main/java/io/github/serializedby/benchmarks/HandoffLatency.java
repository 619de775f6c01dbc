package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

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

    /**
     * Hand-offs through the provider's blocking wait: the holder releases once the waiting thread has
     * parked, so both series measure a wake-up from park.
     */
    static Percentiles provider(LockProvider provider, int handoffs) throws Exception {
        return provider(provider, provider, handoffs);
    }

    /** Hand-offs from a holder on one provider to a waiter on another: two instances of an application. */
    static Percentiles provider(LockProvider holder, LockProvider provider, int handoffs) throws Exception {
        LockRequest request = LockRequest.exclusive("handoff", "hot");
        return measure(handoffs, () -> {
            Lease held = holder.tryAcquire(request).orElseThrow();
            return new Handoff(held::release, () -> {
                try {
                    return provider.acquireBlocking(request, Duration.ofSeconds(30))
                            .orElseThrow()::release;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        });
    }

    /** The same hand-offs through a fair {@code ReentrantLock}, as the baseline. */
    static Percentiles fairReentrantLock(int handoffs) throws Exception {
        ReentrantLock lock = new ReentrantLock(true);
        return measure(handoffs, () -> {
            lock.lock();
            return new Handoff(lock::unlock, () -> {
                lock.lock();
                return lock::unlock;
            });
        });
    }

    /**
     * A held lock: how to release it, and what a waiter does to take it, which returns how the waiter
     * gives it back once the time is taken.
     */
    record Handoff(Runnable release, Supplier<Runnable> take) {}

    static Percentiles measure(int handoffs, Supplier<Handoff> hold) throws Exception {
        long[] latencies = new long[handoffs];
        for (int i = 0; i < handoffs; i++) {
            Handoff handoff = hold.get();
            long[] runningAt = new long[1];
            Thread waiter = new Thread(() -> {
                Runnable giveBack = handoff.take().get();
                runningAt[0] = System.nanoTime();
                giveBack.run();
            });
            waiter.start();
            while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
            }
            long releasedAt = System.nanoTime();
            handoff.release().run();
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            latencies[i] = runningAt[0] - releasedAt;
        }
        return Percentiles.of(latencies);
    }
}
