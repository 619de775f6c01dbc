package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.test.TestServers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis deployments the tests run against. The standalone server is {@link LocalRedis}; the Cluster
 * ({@code scripts/redis-cluster.sh}) and the Sentinel setup ({@code scripts/redis-sentinel.sh}) are
 * connected by Spring Boot's own auto-configuration from {@code spring.data.redis.cluster.nodes} and
 * {@code spring.data.redis.sentinel.*}, as an application would be. Their addresses come from
 * {@code SERIALIZEDBY_REDIS_CLUSTER_NODES}, {@code SERIALIZEDBY_REDIS_SENTINEL_NODES} and
 * {@code SERIALIZEDBY_REDIS_SENTINEL_MASTER}.
 */
enum RedisTopology {
    STANDALONE,
    CLUSTER,
    SENTINEL;

    static final List<String> CLUSTER_NODES = nodes(
            "SERIALIZEDBY_REDIS_CLUSTER_NODES",
            "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006");
    static final List<String> SENTINEL_NODES =
            nodes("SERIALIZEDBY_REDIS_SENTINEL_NODES", "127.0.0.1:26390,127.0.0.1:26391,127.0.0.1:26392");
    static final String SENTINEL_MASTER =
            System.getenv().getOrDefault("SERIALIZEDBY_REDIS_SENTINEL_MASTER", "serializedby");

    /** Skips the calling test (or class) when the deployment cannot be reached, or fails it on CI. */
    void requireReachable() {
        switch (this) {
            case STANDALONE -> LocalRedis.requireReachable();
            case CLUSTER -> requireFirst("Redis Cluster (scripts/redis-cluster.sh start)", CLUSTER_NODES);
            case SENTINEL -> requireFirst("Redis Sentinel (scripts/redis-sentinel.sh start)", SENTINEL_NODES);
        }
    }

    /** A started connection factory; closing the result destroys it. */
    Connected connect() {
        return connect(new String[0]);
    }

    /**
     * A started connection factory, Spring Boot's {@code extraProperties} ({@code name=value}) added for the
     * Cluster and Sentinel; closing the result destroys it.
     */
    Connected connect(String... extraProperties) {
        if (this == STANDALONE) {
            LettuceConnectionFactory factory = LocalRedis.connectionFactory();
            return new Connected(factory, factory::destroy);
        }
        Map<String, Object> properties = this == CLUSTER
                ? Map.of("spring.data.redis.cluster.nodes", String.join(",", CLUSTER_NODES))
                : Map.of(
                        "spring.data.redis.sentinel.master",
                        SENTINEL_MASTER,
                        "spring.data.redis.sentinel.nodes",
                        String.join(",", SENTINEL_NODES));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisOnly.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(properties)
                // As LocalRedis: a patient timeout, since a loaded 2-core machine answers slowly at times.
                .properties("spring.data.redis.timeout=10s")
                .properties(extraProperties)
                .run();
        return new Connected(context.getBean(LettuceConnectionFactory.class), context::close);
    }

    /** A connection factory and what to close when done with it. */
    record Connected(LettuceConnectionFactory factory, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    /** An application with nothing but Spring Boot's Redis auto-configuration. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(DataRedisAutoConfiguration.class)
    static class RedisOnly {}

    private static void requireFirst(String name, List<String> nodes) {
        String first = nodes.get(0);
        int colon = first.lastIndexOf(':');
        TestServers.requireReachable(name, first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }

    private static List<String> nodes(String variable, String defaults) {
        return Arrays.stream(System.getenv().getOrDefault(variable, defaults).split(","))
                .map(String::trim)
                .filter(node -> !node.isEmpty())
                .toList();
    }
}
