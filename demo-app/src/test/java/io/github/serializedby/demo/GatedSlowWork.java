package io.github.serializedby.demo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The demo's slow work, with gates a test can arm to make an interleaving certain rather than likely:
 * the next {@code parties} calls of a step stop at the gate until all of them have arrived and the test
 * opened it. Other calls sleep as configured. Every wait is bounded.
 */
public final class GatedSlowWork implements SlowWork {

    private static final long WAIT_SECONDS = 30;

    private final SlowWork delegate;
    private final Map<Step, Gate> gates = new ConcurrentHashMap<>();

    GatedSlowWork(SlowWork delegate) {
        this.delegate = delegate;
    }

    /** Stops the next {@code parties} calls of {@code step} at a new gate. */
    public Gate arm(Step step, int parties) {
        Gate gate = new Gate(parties);
        gates.put(step, gate);
        return gate;
    }

    /** Removes every gate, opening any that calls still wait at. */
    public void disarmAll() {
        gates.values().forEach(Gate::open);
        gates.clear();
    }

    @Override
    public void perform(Step step) {
        Gate gate = gates.get(step);
        if (gate != null && gate.admit()) {
            gate.pass();
            return;
        }
        delegate.perform(step);
    }

    /** A one-shot gate for a fixed number of calls. */
    public static final class Gate {

        private final AtomicInteger places;
        private final CountDownLatch arrived;
        private final CountDownLatch opened = new CountDownLatch(1);

        Gate(int parties) {
            this.places = new AtomicInteger(parties);
            this.arrived = new CountDownLatch(parties);
        }

        /** Opens the gate; calls that arrived, or will, pass once all parties are there. */
        public Gate open() {
            opened.countDown();
            return this;
        }

        /** Waits until all parties stand at the gate. */
        public void awaitArrived() {
            await(arrived, "the calls to arrive at the gate");
        }

        /** How many parties are still expected. */
        public long missing() {
            return arrived.getCount();
        }

        private boolean admit() {
            return places.getAndDecrement() > 0;
        }

        private void pass() {
            arrived.countDown();
            await(arrived, "the other calls to arrive at the gate");
            await(opened, "the test to open the gate");
        }

        private static void await(CountDownLatch latch, String what) {
            try {
                if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Waited " + WAIT_SECONDS + " s for " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
        }
    }

    /** Puts a {@link GatedSlowWork} in front of the application's own. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        GatedSlowWork gatedSlowWork(SleepingSlowWork sleeping) {
            return new GatedSlowWork(sleeping);
        }
    }
}
