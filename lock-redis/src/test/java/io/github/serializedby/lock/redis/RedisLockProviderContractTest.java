package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.test.LockProviderContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The provider contract against a real Redis; skipped when none is reachable (failed on CI). */
class RedisLockProviderContractTest extends LockProviderContractTest {

    private static LettuceConnectionFactory connectionFactory;

    @BeforeAll
    static void connect() {
        LocalRedis.requireReachable();
        connectionFactory = LocalRedis.connectionFactory();
    }

    @AfterAll
    static void disconnect() {
        if (connectionFactory != null) {
            connectionFactory.destroy();
        }
    }

    @Override
    protected LockProvider createProvider() {
        return new RedisLockProvider(connectionFactory);
    }

    @Override
    protected void closeProvider(LockProvider provider) {
        ((RedisLockProvider) provider).close();
    }

    /** Every acquisition is two round trips to Redis: fewer than in memory, about ten seconds locally. */
    @Override
    protected int fuzzAcquisitions() {
        return 50_000;
    }

    /** More threads than in memory, so that waiting on Redis overlaps. */
    @Override
    protected int fuzzThreads() {
        return 16;
    }
}
