package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.support.WaitBounds;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The gauge of the callers waiting for each lock name in this JVM, as the {@link WaitBounds} count them
 * (the queue depth the bounds limit), tagged with the lock name only, never a key.
 */
public final class WaitingMeters {

    /** Name of the gauge. */
    public static final String NAME = "serialized.lock.waiting";

    /** Description of the gauge. */
    public static final String DESCRIPTION =
            "Callers waiting for a lock in this instance now, as the wait bounds count them";

    private WaitingMeters() {}

    /** Registers the gauge of every lock name {@code bounds} knows now (configured or waited for). */
    public static void register(MeterRegistry registry, WaitBounds bounds) {
        bounds.waitingByLock()
                .keySet()
                .forEach(name -> Gauge.builder(NAME, bounds, counted -> counted.waiting(name))
                        .description(DESCRIPTION)
                        .tag("lock.name", name)
                        .register(registry));
    }
}
