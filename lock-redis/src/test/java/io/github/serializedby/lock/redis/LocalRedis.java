package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.test.TestServers;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis the tests run against: 127.0.0.1:6379, or {@code SERIALIZEDBY_REDIS_URL} (for example {@code
 * redis://127.0.0.1:6379}).
 */
final class LocalRedis {

    static final RedisURI URI =
            RedisURI.create(System.getenv().getOrDefault("SERIALIZEDBY_REDIS_URL", "redis://127.0.0.1:6379"));

    private LocalRedis() {}

    /** Skips the calling test class when Redis cannot be reached, or fails it on CI. */
    static void requireReachable() {
        TestServers.requireReachable("Redis", URI.getHost(), URI.getPort());
    }

    /**
     * Waits until some instance marked the lock {@code hash} as waited for: a waiter's first attempt runs on
     * its provider's worker, and only its refusal makes a release publish. Use a lock of its own per wait,
     * since the marker outlives the waiter by up to three seconds.
     */
    static void awaitWaitingMarker(RedisConnectionFactory factory, String hash) {
        StringRedisTemplate template = new StringRedisTemplate(factory);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!template.opsForHash().hasKey(hash, "waiting")) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no waiter marked " + hash + " within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    /** A started connection factory for the test Redis; the caller destroys it. */
    static LettuceConnectionFactory connectionFactory() {
        return connectionFactory(LettuceConnectionFactory.createRedisConfiguration(URI), Duration.ofSeconds(10));
    }

    /** A started connection factory for {@code server}, with {@code timeout} on commands. */
    static LettuceConnectionFactory connectionFactory(RedisConfiguration server, Duration timeout) {
        LettuceClientConfiguration client =
                LettuceClientConfiguration.builder().commandTimeout(timeout).build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /**
     * A connection factory for one test class, as a JUnit extension: skips the class (or fails it on CI)
     * when Redis cannot be reached, and destroys the factory after the class.
     */
    static final class Connection implements BeforeAllCallback, AfterAllCallback {

        private final RedisTopology topology;
        private RedisTopology.@Nullable Connected connected;

        /** The standalone Redis. */
        Connection() {
            this(RedisTopology.STANDALONE);
        }

        Connection(RedisTopology topology) {
            this.topology = topology;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            topology.requireReachable();
            connected = topology.connect();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            if (connected != null) {
                connected.close();
            }
        }

        LettuceConnectionFactory factory() {
            return Objects.requireNonNull(connected, "Redis was not connected").factory();
        }
    }
}
