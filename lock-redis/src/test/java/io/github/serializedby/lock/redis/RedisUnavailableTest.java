package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Without Redis, acquisition fails closed and promptly; when Redis is back, the same provider works again. */
@Timeout(90)
class RedisUnavailableTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /**
     * Well before the 30 s waits, which is what tells failing closed from waiting out; loose enough for a
     * fresh client on a loaded 2-core machine (the first refused connection took 3.2 s with builds alongside).
     */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private final LockRequest request = LockRequest.exclusive("unavailable." + UUID.randomUUID(), "k");

    @Test
    void closedPortFailsClosedFromTryAcquireAndFromTheWaitingFuture() throws Exception {
        LettuceConnectionFactory factory =
                LocalRedis.connectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1), TIMEOUT);
        try (RedisLockProvider provider = new RedisLockProvider(factory, options())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> provider.tryAcquire(request))
                    .isInstanceOf(LockProviderUnavailableException.class)
                    .hasMessageContaining(request.name());
            assertThat(since(start)).isLessThan(PROMPTLY);

            start = System.nanoTime();
            CompletableFuture<Optional<Lease>> waiting = provider.acquire(request, Duration.ofSeconds(30));
            assertThatThrownBy(() -> waiting.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(LockProviderUnavailableException.class);
            assertThat(since(start)).isLessThan(PROMPTLY);

            assertThatThrownBy(() -> provider.acquireBlocking(request, Duration.ofSeconds(30)))
                    .isInstanceOf(LockProviderUnavailableException.class);
        } finally {
            factory.destroy();
        }
    }

    @Test
    void aProviderRecoversByItselfWhenRedisComesBack() throws Exception {
        LocalRedis.requireReachable();
        try (TcpProxy proxy = new TcpProxy(LocalRedis.URI.getHost(), LocalRedis.URI.getPort())) {
            LettuceConnectionFactory factory =
                    LocalRedis.connectionFactory(new RedisStandaloneConfiguration("127.0.0.1", proxy.port()), TIMEOUT);
            try (RedisLockProvider provider = new RedisLockProvider(factory, options())) {
                provider.tryAcquire(request).orElseThrow().release();

                proxy.stop();
                long start = System.nanoTime();
                assertThatThrownBy(() -> provider.tryAcquire(request))
                        .isInstanceOf(LockProviderUnavailableException.class);
                assertThat(since(start)).isLessThan(PROMPTLY);

                proxy.restart();
                Lease lease = firstSuccessWithin(provider, Duration.ofSeconds(30));
                CompletableFuture<Optional<Lease>> waiting = provider.acquire(request, Duration.ofSeconds(20));
                lease.release();
                waiting.get(20, TimeUnit.SECONDS).orElseThrow().release();
            } finally {
                factory.destroy();
            }
        }
    }

    /** Tries until the client has reconnected (its back-off decides when), pacing the tries. */
    private Lease firstSuccessWithin(RedisLockProvider provider, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return provider.tryAcquire(request).orElseThrow();
            } catch (LockProviderUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    private static RedisLockOptions options() {
        return RedisLockOptions.builder().operationTimeout(TIMEOUT).build();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
