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

    /** Hand-offs from a holder on one provider to a waiter on another: two instances of an application. */
    static Percentiles provider(LockProvider holder, LockProvider provider, int handoffs) throws Exception {
        return measure(handoffs, through(holder, provider));
    }

    /**
     * A hand-off through a provider's blocking wait: the holder releases once the waiting thread has
     * parked, so every series measures a wake-up from park.
     */
    private static Supplier<Handoff> through(LockProvider holder, LockProvider provider) {
        LockRequest request = LockRequest.exclusive("handoff", "hot");
        return () -> {
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
        };
    }

    /** Hand-offs through the provider and through the baseline, measured side by side. */
    record Comparison(Percentiles ours, Percentiles baseline) {}

    /**
     * Hand-offs through the in-memory provider's blocking wait against the same hand-offs through a fair
     * {@code ReentrantLock}, alternating one of each so that whatever else the machine does falls on both
     * series alike, after a warm-up of both that is not counted (the first hand-offs run interpreted code).
     */
    static Comparison againstFairLock(LockProvider provider, int handoffs) throws Exception {
        Supplier<Handoff> ours = through(provider, provider);
        ReentrantLock lock = new ReentrantLock(true);
        Supplier<Handoff> fair = () -> {
            lock.lock();
            return new Handoff(lock::unlock, () -> {
                lock.lock();
                return lock::unlock;
            });
        };
        for (int i = 0; i < handoffs / 4; i++) {
            once(ours.get());
            once(fair.get());
        }
        long[] oursNanos = new long[handoffs];
        long[] fairNanos = new long[handoffs];
        for (int i = 0; i < handoffs; i++) {
            oursNanos[i] = once(ours.get());
            fairNanos[i] = once(fair.get());
        }
        return new Comparison(Percentiles.of(oursNanos), Percentiles.of(fairNanos));
    }

    /**
     * A held lock: how to release it, and what a waiter does to take it, which returns how the waiter
     * gives it back once the time is taken.
     */
    record Handoff(Runnable release, Supplier<Runnable> take) {}

    static Percentiles measure(int handoffs, Supplier<Handoff> hold) throws Exception {
        long[] latencies = new long[handoffs];
        for (int i = 0; i < handoffs; i++) {
            latencies[i] = once(hold.get());
        }
        return Percentiles.of(latencies);
    }

    /** One hand-off: nanoseconds from the release to the parked waiter running. */
    private static long once(Handoff handoff) throws InterruptedException {
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
        return runningAt[0] - releasedAt;
    }
}
