package io.github.serializedby.spring.observation;

import io.micrometer.common.KeyValues;

/** Names the holding of a lock {@code serialized.lock.held}, tagged by lock name, provider and mode. */
public class DefaultLockHoldObservationConvention implements LockHoldObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "serialized.lock.held";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(LockObservationContext context) {
        return "hold lock " + context.getRequest().name();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(LockObservationContext context) {
        return LockKeyValues.common(context);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LockObservationContext context) {
        return LockKeyValues.key(context);
    }
}
