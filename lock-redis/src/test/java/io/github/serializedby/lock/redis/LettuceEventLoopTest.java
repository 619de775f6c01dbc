package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * A reactive chain that goes on on a Lettuce I/O thread (after the application's own reactive Redis call)
 * and then takes a lock through the same client. With one I/O thread, the provider's replies are due on
 * the very thread the chain runs on: nothing on the asynchronous path may wait for them there.
 */
@Timeout(120)
class LettuceEventLoopTest {

    private static final int TRIES = 12;
    private static final int PROBES = 20;

    private static ClientResources resources;
    private static LettuceConnectionFactory factory;

    private final String name = "event-loop." + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        LocalRedis.requireReachable();
        resources = DefaultClientResources.builder().ioThreadPoolSize(1).build();
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .clientResources(resources)
                .commandTimeout(Duration.ofSeconds(10))
                .build();
        factory =
                new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(LocalRedis.URI), client);
        factory.afterPropertiesSet();
        factory.start();
        // The template's first call opens its connection and may complete off the I/O thread; the tests
        // need every later one, answered on the I/O thread.
        new ReactiveStringRedisTemplate(factory).hasKey("event-loop-probe").block(Duration.ofSeconds(30));
    }

    @AfterAll
    static void disconnect() {
        if (factory != null) {
            factory.destroy();
        }
        if (resources != null) {
            resources.shutdown();
        }
    }

    /**
     * Every try must succeed: blocking the I/O thread made each one wait out the 2 s operation timeout
     * and fail as unavailable, or hang for good when the provider's first connection was opened there.
     */
    @Test
    void aLockTakenOnALettuceThreadIsGrantedWithoutWaitingOutTheTimeout() {
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        try (RedisLockProvider provider = new RedisLockProvider(factory)) {
            LockExecutor executor = new LockExecutor(provider);
            int onIoThreads = 0;
            for (int i = 0; i < TRIES; i++) {
                for (LockSpec spec : new LockSpec[] {
                    LockSpec.waiting(name, Duration.ofSeconds(5), "wait-" + i), LockSpec.failFast(name, "try-" + i)
                }) {
                    Boolean onIoThread = template.hasKey("event-loop-probe")
                            .map(found -> NonBlockingThreads.isCurrentThreadNonBlocking())
                            .flatMap(nonBlocking -> Mono.usingWhen(
                                    Mono.fromFuture(() -> executor.acquireAsync(spec), false),
                                    handle -> Mono.just(nonBlocking),
                                    handle -> Mono.fromRunnable(handle::release)))
                            .block(Duration.ofSeconds(10));

                    assertThat(onIoThread).as("try %s answered", spec.keys()).isNotNull();
                    if (Boolean.TRUE.equals(onIoThread)) {
                        onIoThreads++;
                    }
                }
            }
            // Which thread a reply lands on is Lettuce's choice; what matters is that the scenario ran (every
            // try on the I/O thread deadlocked before) and that every try was granted.
            assertThat(onIoThreads)
                    .as("tries whose chain ran on Lettuce's I/O thread")
                    .isPositive();
            // Released from the I/O thread without waiting: each key is free again soon after.
            for (int i = 0; i < TRIES; i++) {
                LockRequest request = LockRequest.exclusive(name, "wait-" + i);
                assertThat(provider.acquire(request, Duration.ofSeconds(5)).join())
                        .hasValueSatisfying(lease -> lease.release());
            }
        }
    }

    /**
     * The blocking API on an I/O thread fails at once, naming the problem, instead of deadlocking. The
     * refusal sends nothing to Redis, so even a loaded machine answers in far less than a second.
     */
    @Test
    void theBlockingApiRefusesALettuceThread() {
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        try (RedisLockProvider provider = new RedisLockProvider(factory)) {
            LockRequest request = LockRequest.exclusive(name, "blocking");
            long[] refusedAfter = {-1};
            Throwable failure = null;
            // A reply that arrives before the subscriber's demand is emitted on the subscribing thread
            // instead: probe again until the chain runs on the I/O thread.
            for (int probe = 0; probe < PROBES && failure == null; probe++) {
                failure = template.hasKey("event-loop-probe")
                        .mapNotNull(found -> {
                            if (!NonBlockingThreads.isCurrentThreadNonBlocking()) {
                                return null;
                            }
                            long start = System.nanoTime();
                            try {
                                return (Throwable)
                                        new AssertionError("granted on an I/O thread: " + provider.tryAcquire(request));
                            } catch (RuntimeException e) {
                                refusedAfter[0] = System.nanoTime() - start;
                                return e;
                            }
                        })
                        .block(Duration.ofSeconds(10));
            }

            assertThat(failure)
                    .as("a chain ran on Lettuce's I/O thread within %d probes", PROBES)
                    .isNotNull();
            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("must never block");
            assertThat(Duration.ofNanos(refusedAfter[0])).isBetween(Duration.ZERO, Duration.ofSeconds(1));
            assertThat(provider.acquire(request, Duration.ZERO)
                            .orTimeout(5, TimeUnit.SECONDS)
                            .join())
                    .hasValueSatisfying(lease -> lease.release());
        }
    }
}
