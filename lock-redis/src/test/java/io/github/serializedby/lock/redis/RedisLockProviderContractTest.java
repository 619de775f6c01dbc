package io.github.serializedby.lock.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The provider contract against a standalone Redis; skipped when it is not reachable (failed on CI). */
class RedisLockProviderContractTest extends AbstractRedisContractTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection(RedisTopology.STANDALONE);

    @Override
    protected LettuceConnectionFactory connectionFactory() {
        return redis.factory();
    }
}
