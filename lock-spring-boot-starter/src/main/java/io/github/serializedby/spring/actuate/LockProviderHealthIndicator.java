package io.github.serializedby.spring.actuate;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderBusyException;
import io.github.serializedby.lock.LockRequest;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the lock provider answers: tries to lock one fixed probe key and releases it at once. Down when
 * the provider fails, which for a remote provider means it cannot be reached; up, with the reason, when it
 * answers that it has no capacity for another lock now ({@link LockProviderBusyException}). The key is the
 * same for every probe and every instance, so probes leave at most one key's state behind (a Redis fence
 * key, a lease-table row); a probe that finds it held by another probe still got an answer, and is up.
 */
public class LockProviderHealthIndicator extends AbstractHealthIndicator {

    /** The lock name the probe uses. */
    public static final String PROBE_LOCK_NAME = "serialized-by-health";

    /** The key the probe locks. */
    public static final String PROBE_KEY = "probe";

    private static final LockRequest PROBE = LockRequest.exclusive(PROBE_LOCK_NAME, PROBE_KEY);

    private final LockProvider provider;
    private final String providerName;

    public LockProviderHealthIndicator(LockProvider provider, String providerName) {
        super("Lock provider health check failed");
        this.provider = provider;
        this.providerName = providerName;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long start = System.nanoTime();
        Optional<Lease> probe;
        try {
            probe = provider.tryAcquire(PROBE);
        } catch (LockProviderBusyException e) {
            Throwable reason = Objects.requireNonNullElse(e.getCause(), e);
            builder.up()
                    .withDetail("provider", providerName)
                    .withDetail("probe", "the provider is at capacity: " + reason.getMessage());
            return;
        }
        probe.ifPresent(Lease::release);
        long micros = (System.nanoTime() - start) / 1_000;
        builder.up().withDetail("provider", providerName).withDetail("probeMicros", micros);
        if (probe.isEmpty()) {
            builder.withDetail("probe", "the probe key is held by another probe");
        }
    }
}
