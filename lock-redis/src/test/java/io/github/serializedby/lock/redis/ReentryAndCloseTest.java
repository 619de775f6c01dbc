package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ReentryAndCloseTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final String name = "reentry." + UUID.randomUUID();

    /** Re-entry is the executor's: the provider never sees the inner request, so it cannot wait for itself. */
    @Test
    void aNestedCallOnTheSameKeyReusesTheOuterLease() {
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            LockExecutor executor = new LockExecutor(provider);
            LockSpec spec = LockSpec.waiting(name, Duration.ofSeconds(5), "k");
            int[] inner = {0};
            // Connected first: the time asserted is the nested call's, not that of opening the connection,
            // which takes seconds in a fresh JVM on a loaded machine.
            provider.tryAcquire(LockRequest.exclusive(name, "warm-up"))
                    .orElseThrow()
                    .release();
            long start = System.nanoTime();

            executor.run(spec, () -> executor.run(spec, () -> inner[0]++));

            assertThat(inner[0]).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(provider.tryAcquire(LockRequest.exclusive(name, "k")))
                    .hasValueSatisfying(lease -> lease.release());
        }
    }

    @Test
    void aClosedProviderRefusesAndFailsItsWaiters() throws Exception {
        RedisLockProvider provider = new RedisLockProvider(redis.factory());
        LockRequest request = LockRequest.exclusive(name, "closing");
        var held = provider.tryAcquire(request).orElseThrow();
        var waiting = provider.acquire(request, Duration.ofSeconds(20));

        provider.close();

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(LockProviderUnavailableException.class);
        assertThatThrownBy(() -> provider.tryAcquire(request)).isInstanceOf(LockProviderUnavailableException.class);
        // Fails at once, connecting nothing; the lock ends with its lease in Redis.
        assertThatThrownBy(held::release).isInstanceOf(LockProviderUnavailableException.class);
    }

    /**
     * The deadline ends a wait between tries, never a try under way: a free key is granted at the first
     * try even when the wait is shorter than the round trip (here a nanosecond, with a cold connection).
     */
    @Test
    void aFreeKeyIsGrantedWhenTheWaitEndsDuringTheFirstTry() throws Exception {
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            for (int i = 0; i < 20; i++) {
                LockRequest request = LockRequest.exclusive(name, "free-" + i);
                var granted = provider.acquire(request, Duration.ofNanos(1)).get(10, TimeUnit.SECONDS);
                assertThat(granted).as("try %d", i).isPresent();
                granted.orElseThrow().release();
            }
        }
    }
}
