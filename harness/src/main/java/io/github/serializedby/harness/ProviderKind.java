package io.github.serializedby.harness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.redis.RedisLockOptions;
import io.github.serializedby.lock.redis.RedisLockProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The distributed providers under test, and how a worker builds each one. */
public enum ProviderKind {
    REDIS("redis", true),
    /** The Redis provider on the local Redis Cluster ({@code scripts/redis-cluster.sh}). */
    REDIS_CLUSTER("redis-cluster", true),
    /** The Redis provider on the local master watched by Sentinel ({@code scripts/redis-sentinel.sh}). */
    REDIS_SENTINEL("redis-sentinel", true),
    PG_ADVISORY("pg-advisory", false),
    PG_LEASE_TABLE("pg-lease-table", true);

    private final String label;
    private final boolean leased;

    ProviderKind(String label, boolean leased) {
        this.label = label;
        this.leased = leased;
    }

    /** The name used on the command line and in the summary. */
    public String label() {
        return label;
    }

    /** Whether a lock ends by itself when its holder stops renewing it (PostgreSQL advisory locks do not). */
    public boolean leased() {
        return leased;
    }

    /** Whether this is the Redis provider, on whichever topology. */
    public boolean redis() {
        return this == REDIS || this == REDIS_CLUSTER || this == REDIS_SENTINEL;
    }

    /** The provider with {@code label}. */
    public static ProviderKind of(String label) {
        for (ProviderKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown provider: " + label);
    }

    /** A started provider with a short lease; closing it closes what it opened. */
    public Opened open(Duration lease, LockListener listener, boolean createTables) {
        return switch (this) {
            case REDIS -> {
                URI uri = Servers.redisUri();
                yield openRedis(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()), lease, listener);
            }
            case REDIS_CLUSTER ->
                openRedis(new RedisClusterConfiguration(Servers.redisClusterNodes()), lease, listener);
            case REDIS_SENTINEL ->
                openRedis(
                        new RedisSentinelConfiguration(
                                Servers.redisSentinelMaster(), Set.copyOf(Servers.redisSentinelNodes())),
                        lease,
                        listener);
            case PG_ADVISORY -> {
                PostgresAdvisoryLockProvider provider = PostgresAdvisoryLockProvider.builder(Servers.lockDataSource())
                        .createTable(createTables)
                        .listener(listener)
                        .recheckInterval(Duration.ofMillis(200))
                        .sessionCheckInterval(Duration.ofMillis(500))
                        .networkTimeout(Duration.ofSeconds(2))
                        .build();
                yield new Opened(provider, provider);
            }
            case PG_LEASE_TABLE -> {
                HikariConfig config = new HikariConfig();
                config.setDataSource(Servers.lockDataSource());
                config.setMaximumPoolSize(4);
                // Hikari also uses this as the driver's login timeout.
                config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(Servers.CONNECT_SECONDS));
                config.setPoolName("harness-lease-table");
                HikariDataSource pool = new HikariDataSource(config);
                JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(pool)
                        .createTable(createTables)
                        .leaseTime(lease)
                        .retryInterval(Duration.ofMillis(50))
                        .listener(listener)
                        .build();
                yield new Opened(provider, () -> {
                    provider.close();
                    pool.close();
                });
            }
        };
    }

    private static Opened openRedis(RedisConfiguration server, Duration lease, LockListener listener) {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, client);
        factory.afterPropertiesSet();
        factory.start();
        RedisLockProvider provider = new RedisLockProvider(
                factory,
                RedisLockOptions.builder()
                        .prefix("serialized-by-harness:")
                        .leaseTime(lease)
                        .listener(listener)
                        .build());
        return new Opened(provider, () -> {
            provider.close();
            factory.destroy();
        });
    }

    /** A provider and what closes it. */
    public record Opened(LockProvider provider, AutoCloseable resources) implements AutoCloseable {

        @Override
        public void close() throws Exception {
            resources.close();
        }
    }
}
