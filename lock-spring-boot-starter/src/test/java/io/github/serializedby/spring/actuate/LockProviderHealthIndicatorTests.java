package io.github.serializedby.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class LockProviderHealthIndicatorTests {

    @Test
    void upWhenTheProviderLocksAndLeavesNothingBehind() {
        InMemoryLockProvider provider = new InMemoryLockProvider();

        assertThat(new LockProviderHealthIndicator(provider, "in-memory")
                        .health(true)
                        .getStatus())
                .isEqualTo(Status.UP);
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void downWhenTheProviderCannotBeReached() {
        LockProvider unreachable = new LockProvider() {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                throw new LockProviderUnavailableException(request.name(), new IOException("connection refused"));
            }

            @Override
            public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                return CompletableFuture.failedFuture(new IOException("connection refused"));
            }
        };

        assertThat(new LockProviderHealthIndicator(unreachable, "redis")
                        .health(true)
                        .getStatus())
                .isEqualTo(Status.DOWN);
    }
}
