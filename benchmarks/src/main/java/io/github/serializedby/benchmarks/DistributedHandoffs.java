package io.github.serializedby.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.benchmarks.HandoffLatency.Handoff;
import io.github.serializedby.benchmarks.HandoffLatency.Percentiles;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.redis.RedisLockProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Hand-off from a holder in one application instance to a waiter in another, on the local servers:
 * the distributed providers against the peers, each with its own connections per instance.
 */
final class DistributedHandoffs {

    private DistributedHandoffs() {}

    static Percentiles redisProvider(int handoffs) throws Exception {
        LettuceConnectionFactory first = Servers.redis();
        LettuceConnectionFactory second = Servers.redis();
        try (RedisLockProvider holder = new RedisLockProvider(first);
                RedisLockProvider waiter = new RedisLockProvider(second)) {
            return HandoffLatency.provider(holder, waiter, handoffs);
        } finally {
            first.destroy();
            second.destroy();
        }
    }

    static Percentiles redisson(int handoffs) throws Exception {
        RedissonClient holder = redissonClient();
        RedissonClient waiter = redissonClient();
        try {
            return HandoffLatency.measure(handoffs, () -> {
                RLock held = holder.getLock("handoff-redisson");
                held.lock(30, TimeUnit.SECONDS);
                return new Handoff(held::unlock, () -> {
                    RLock lock = waiter.getLock("handoff-redisson");
                    try {
                        if (!lock.tryLock(30, 30, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("Redisson did not hand the lock over in 30 s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return lock::unlock;
                });
            });
        } finally {
            holder.shutdown();
            waiter.shutdown();
        }
    }

    static Percentiles postgresAdvisory(int handoffs) throws Exception {
        try (PostgresAdvisoryLockProvider holder = PostgresAdvisoryLockProvider.builder(Servers.postgres())
                        .createTable(true)
                        .build();
                PostgresAdvisoryLockProvider waiter = PostgresAdvisoryLockProvider.builder(Servers.postgres())
                        .createTable(true)
                        .build()) {
            return HandoffLatency.provider(holder, waiter, handoffs);
        }
    }

    static Percentiles jdbcLockRegistry(int handoffs) throws Exception {
        try (HikariDataSource first = Servers.pooledPostgres();
                HikariDataSource second = Servers.pooledPostgres()) {
            JdbcLockRegistry holder = registry(first);
            JdbcLockRegistry waiter = registry(second);
            return HandoffLatency.measure(handoffs, () -> {
                Lock held = holder.obtain("handoff");
                held.lock();
                return new Handoff(held::unlock, () -> {
                    Lock lock = waiter.obtain("handoff");
                    lock.lock();
                    return lock::unlock;
                });
            });
        }
    }

    private static JdbcLockRegistry registry(HikariDataSource pool) {
        DefaultLockRepository repository = new DefaultLockRepository(pool);
        repository.setTransactionManager(new DataSourceTransactionManager(pool));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        return new JdbcLockRegistry(repository);
    }

    private static RedissonClient redissonClient() {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + Servers.REDIS_HOST + ":" + Servers.REDIS_PORT);
        return Redisson.create(config);
    }
}
