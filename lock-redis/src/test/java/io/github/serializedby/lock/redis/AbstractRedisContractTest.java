package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.test.LockProviderContractTest;
import java.time.Duration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The provider contract against a real Redis deployment; each subclass names one. */
abstract class AbstractRedisContractTest extends LockProviderContractTest {

    /** The started factory of the subclass's deployment. */
    protected abstract LettuceConnectionFactory connectionFactory();

    /**
     * A patient operation timeout: the contract is about locking, and on a loaded 2-core machine a Redis
     * answer took longer than the default 2 s (1 run in 20 failed closed). Timeouts have their own tests.
     */
    @Override
    protected LockProvider createProvider(WaitBounds bounds) {
        return new RedisLockProvider(
                connectionFactory(),
                RedisLockOptions.builder()
                        .operationTimeout(Duration.ofSeconds(10))
                        .waitBounds(bounds)
                        .build());
    }

    @Override
    protected void closeProvider(LockProvider provider) {
        ((RedisLockProvider) provider).close();
    }

    /**
     * Every acquisition is two round trips to Redis: fewer than in memory, about four seconds locally. With
     * 50,000, one run in 20 outlasted the suite's 120 s while four builds ran alongside.
     */
    @Override
    protected int fuzzAcquisitions() {
        return 20_000;
    }

    /** More threads than in memory, so that waiting on Redis overlaps. */
    @Override
    protected int fuzzThreads() {
        return 16;
    }

    /** Each release wakes every waiter of the key, so the tries grow with the square of the queue: 300 take about 15 s locally. */
    @Override
    protected int asyncWaiterCount() {
        return 300;
    }

    /** Waiters of one instance try again when they hear a release, so any of them may win the next turn. */
    @Override
    protected boolean servesWaitersInArrivalOrder() {
        return false;
    }
}
