package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.LockRequest;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/** What an observation of a lock knows: the request, the provider, and, once known, the outcome. */
public class LockObservationContext extends Observation.Context {

    private final LockRequest request;
    private final String provider;
    private final boolean keyIncluded;
    private @Nullable LockOutcome outcome;

    public LockObservationContext(LockRequest request, String provider, boolean keyIncluded) {
        this.request = request;
        this.provider = provider;
        this.keyIncluded = keyIncluded;
    }

    /** The lock asked for or held. */
    public LockRequest getRequest() {
        return request;
    }

    /** The provider's short name. */
    public String getProvider() {
        return provider;
    }

    /** Whether the key may be added to spans. */
    public boolean isKeyIncluded() {
        return keyIncluded;
    }

    /** How the acquisition ended; null while it runs, and for hold observations. */
    public @Nullable LockOutcome getOutcome() {
        return outcome;
    }

    public void setOutcome(LockOutcome outcome) {
        this.outcome = outcome;
    }
}
