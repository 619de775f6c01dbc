package io.github.serializedby.spring.observation;

import io.github.serializedby.spring.observation.LockObservationDocumentation.AcquireKeyNames;
import io.micrometer.common.KeyValues;

/** Names the acquisition {@code serialized.lock.acquire}, tagged by lock name, provider, mode and outcome. */
public class DefaultLockAcquireObservationConvention implements LockAcquireObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "serialized.lock.acquire";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(LockObservationContext context) {
        return "acquire lock " + context.getRequest().name();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(LockObservationContext context) {
        KeyValues common = LockKeyValues.common(context);
        LockOutcome outcome = context.getOutcome();
        return outcome == null ? common : common.and(AcquireKeyNames.OUTCOME.withValue(outcome.tagValue()));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(LockObservationContext context) {
        return LockKeyValues.key(context);
    }
}
