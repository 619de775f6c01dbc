package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class ReactorLockingTests {

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final LockExecutor executor = new LockExecutor(provider);
    private final LockSpec spec = LockSpec.waiting("reactor-locking", Duration.ofSeconds(5), "k");

    @Test
    void aMonoSubscribedAgainLocksAgainForEachSubscription() {
        AtomicInteger runs = new AtomicInteger();
        Mono<Integer> locked = ReactorLocking.acquireThen(
                () -> executor.acquireAsync(spec),
                handle -> ReactorLocking.release(handle).thenReturn(runs.incrementAndGet()));

        assertThat(locked.repeat(2).collectList().block(Duration.ofSeconds(10))).containsExactly(1, 2, 3);
        assertThat(provider.tryAcquire(LockRequest.exclusive("reactor-locking", "k")))
                .as("the key is free after the last subscription")
                .isPresent();
    }

    @Test
    void aFluxSubscribedAgainLocksAgainForEachSubscription() {
        AtomicInteger runs = new AtomicInteger();
        Flux<Integer> locked = ReactorLocking.acquireThenMany(
                () -> executor.acquireAsync(spec),
                handle -> ReactorLocking.release(handle).thenMany(Flux.just(runs.incrementAndGet())));

        assertThat(locked.repeat(1).collectList().block(Duration.ofSeconds(10))).containsExactly(1, 2);
        assertThat(provider.tryAcquire(LockRequest.exclusive("reactor-locking", "k")))
                .as("the key is free after the last subscription")
                .isPresent();
    }
}
