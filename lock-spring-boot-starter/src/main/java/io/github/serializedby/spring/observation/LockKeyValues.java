package io.github.serializedby.spring.observation;

import io.github.serializedby.spring.observation.LockObservationDocumentation.CommonKeyNames;
import io.github.serializedby.spring.observation.LockObservationDocumentation.HighCardinalityKeyNames;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/** The key values both default conventions share. */
final class LockKeyValues {

    private LockKeyValues() {}

    static KeyValues common(LockObservationContext context) {
        return KeyValues.of(
                CommonKeyNames.LOCK_NAME.withValue(context.getRequest().name()),
                CommonKeyNames.PROVIDER.withValue(context.getProvider()),
                CommonKeyNames.MODE.withValue(context.getRequest().mode().name().toLowerCase(Locale.ROOT)));
    }

    static KeyValues key(LockObservationContext context) {
        return context.isKeyIncluded()
                ? KeyValues.of(HighCardinalityKeyNames.LOCK_KEY.withValue(
                        context.getRequest().key()))
                : KeyValues.empty();
    }
}
