package io.github.serializedby.lock.redis;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The provider contract against the Redis Cluster of {@code scripts/redis-cluster.sh}; skipped when it is not reachable (failed on CI). */
class RedisClusterContractTest extends AbstractRedisContractTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection(RedisTopology.CLUSTER);

    @Override
    protected LettuceConnectionFactory connectionFactory() {
        return redis.factory();
    }
}
