package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** How the room's tests wait: for a latch or for a condition, each for a bounded time. */
final class Waits {

    private Waits() {}

    /** Awaits {@code latch} for up to 30 s on a thread of the room or a caller's, where nothing can be thrown. */
    static void quietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Until {@code condition} holds, failing after 10 s. */
    static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline)
                    .as("waited 10 s for a condition")
                    .isNegative();
            Thread.onSpinWait();
            Thread.sleep(1);
        }
    }
}
