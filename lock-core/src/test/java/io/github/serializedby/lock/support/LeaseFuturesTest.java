package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaseFuturesTest {

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final LockRequest request = LockRequest.exclusive("futures", "k");

    @Test
    void aDecoratorThatFailsGivesTheLeaseBackAndFailsTheFuture() throws Exception {
        Lease holder = provider.tryAcquire(request).orElseThrow();
        CompletableFuture<Optional<Lease>> decorated =
                LeaseFutures.decorate(provider.acquire(request, Duration.ofSeconds(10)), lease -> {
                    throw new IllegalStateException("metrics are broken");
                });

        holder.release();

        assertThatThrownBy(() -> decorated.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("metrics are broken");
        assertThat(provider.tryAcquire(request)).as("the key is free again").isPresent();
    }

    @Test
    void aLeaseGrantedAfterTheDecoratedFutureWasCancelledIsReleased() throws Exception {
        Lease holder = provider.tryAcquire(request).orElseThrow();
        CompletableFuture<Optional<Lease>> source = new CompletableFuture<>();
        CompletableFuture<Optional<Lease>> decorated = LeaseFutures.decorate(source, lease -> lease);

        assertThat(decorated.cancel(false)).isTrue();
        assertThat(source).isCancelled();
        holder.release();
        assertThat(provider.tryAcquire(request)).isPresent();
    }
}
