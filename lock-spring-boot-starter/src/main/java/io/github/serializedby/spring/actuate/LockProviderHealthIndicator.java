package io.github.serializedby.spring.actuate;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the lock provider answers: takes and releases a lock on a key of its own. Down when the
 * provider fails, which for a remote provider means it cannot be reached.
 */
public class LockProviderHealthIndicator extends AbstractHealthIndicator {

    /** The lock name the probe uses. */
    public static final String PROBE_LOCK_NAME = "serialized-by.health";

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
        Optional<Lease> probe = provider.tryAcquire(
                LockRequest.exclusive(PROBE_LOCK_NAME, UUID.randomUUID().toString()));
        probe.ifPresent(Lease::release);
        long micros = (System.nanoTime() - start) / 1_000;
        builder.withDetail("provider", providerName).withDetail("probeMicros", micros);
        if (probe.isPresent()) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "a fresh key could not be locked");
        }
    }
}
