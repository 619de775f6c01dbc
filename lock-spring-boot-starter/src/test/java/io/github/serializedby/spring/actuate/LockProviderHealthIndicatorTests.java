package io.github.serializedby.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderBusyException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.redis.RedisLockOptions;
import io.github.serializedby.lock.redis.RedisLockProvider;
import io.github.serializedby.lock.test.TestServers;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

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
    void repeatedProbesOfTheLeaseTableLeaveAtMostOneRow() throws Exception {
        DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:health-probes;DB_CLOSE_DELAY=-1", "sa", "");
        try (JdbcLeaseTableLockProvider provider =
                JdbcLeaseTableLockProvider.builder(dataSource).createTable(true).build()) {
            LockProviderHealthIndicator indicator = new LockProviderHealthIndicator(provider, "jdbc-lease-table");

            for (int probe = 0; probe < 20; probe++) {
                assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
            }

            Integer rows = new JdbcTemplate(dataSource)
                    .queryForObject("select count(*) from serialized_by_lease", Integer.class);
            assertThat(rows).isEqualTo(1);
        }
    }

    /** Needs the Redis at SERIALIZEDBY_REDIS_URL (default 127.0.0.1:6379); its keys have a prefix of their own. */
    @Test
    void repeatedProbesOfRedisLeaveTheStateOfOneKeyAtMost() {
        RedisURI uri =
                RedisURI.create(System.getenv().getOrDefault("SERIALIZEDBY_REDIS_URL", "redis://127.0.0.1:6379"));
        TestServers.requireReachable("Redis", uri.getHost(), uri.getPort());
        String prefix = "serialized-by-health-test-" + UUID.randomUUID() + ":";
        LettuceConnectionFactory connections =
                new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(uri));
        connections.afterPropertiesSet();
        connections.start();
        StringRedisTemplate redis = new StringRedisTemplate(connections);
        try (RedisLockProvider provider = new RedisLockProvider(
                connections, RedisLockOptions.builder().prefix(prefix).build())) {
            LockProviderHealthIndicator indicator = new LockProviderHealthIndicator(provider, "redis");

            for (int probe = 0; probe < 20; probe++) {
                assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
            }

            Set<String> keys = keys(redis, prefix);
            assertThat(keys)
                    .isNotEmpty()
                    .allSatisfy(key -> assertThat(key)
                            .contains("{" + LockProviderHealthIndicator.PROBE_LOCK_NAME + ":"
                                    + LockProviderHealthIndicator.PROBE_KEY + "}"));
        } finally {
            redis.delete(keys(redis, prefix));
            connections.destroy();
        }
    }

    private static Set<String> keys(StringRedisTemplate redis, String prefix) {
        Set<String> keys = new HashSet<>();
        try (Cursor<String> cursor = redis.scan(
                ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }

    @Test
    void upWhenAnotherProbeHoldsTheProbeKey() {
        InMemoryLockProvider provider = new InMemoryLockProvider();
        Lease otherProbe = provider.tryAcquire(LockRequest.exclusive(
                        LockProviderHealthIndicator.PROBE_LOCK_NAME, LockProviderHealthIndicator.PROBE_KEY))
                .orElseThrow();

        Health health = new LockProviderHealthIndicator(provider, "in-memory").health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsKey("probe");
        otherProbe.release();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void downWhenTheProviderCannotBeReached() {
        LockProvider unreachable = failingWith(
                request -> new LockProviderUnavailableException(request.name(), new IOException("connection refused")));

        assertThat(new LockProviderHealthIndicator(unreachable, "redis")
                        .health(true)
                        .getStatus())
                .isEqualTo(Status.DOWN);
    }

    @Test
    void upWithTheReasonWhenTheProviderAnswersItIsAtCapacity() {
        LockProvider full = failingWith(request -> new LockProviderBusyException(
                request.name(), new SQLException("All 2 lock connections hold locks (raise max-connections)")));

        Health health = new LockProviderHealthIndicator(full, "postgres-advisory").health(true);

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry(
                        "probe",
                        "the provider is at capacity: All 2 lock connections hold locks (raise max-connections)");
    }

    private static LockProvider failingWith(Function<LockRequest, LockProviderUnavailableException> failure) {
        return new LockProvider() {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                throw failure.apply(request);
            }

            @Override
            public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                return CompletableFuture.failedFuture(failure.apply(request));
            }
        };
    }
}
