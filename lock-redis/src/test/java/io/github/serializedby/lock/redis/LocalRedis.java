package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.test.TestServers;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

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
}
