package io.github.serializedby.demo;

import java.time.Duration;
import org.springframework.stereotype.Component;

/** Simulates slow work by sleeping for the configured {@code demo.slow-work.*} duration. */
@Component
public class SleepingSlowWork implements SlowWork {

    private final SlowWorkProperties properties;

    public SleepingSlowWork(SlowWorkProperties properties) {
        this.properties = properties;
    }

    @Override
    public void perform(Step step) {
        Duration duration = properties.of(step);
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the slow part of " + step, e);
        }
    }
}
