package io.github.serializedby.lock.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The provider contract against the Redis Sentinel setup of {@code scripts/redis-sentinel.sh}; skipped when it is not reachable (failed on CI). */
class RedisSentinelContractTest extends AbstractRedisContractTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection(RedisTopology.SENTINEL);

    @Override
    protected LettuceConnectionFactory connectionFactory() {
        return redis.factory();
    }
}
