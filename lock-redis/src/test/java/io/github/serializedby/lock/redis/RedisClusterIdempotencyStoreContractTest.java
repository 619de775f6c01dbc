package io.github.serializedby.lock.redis;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.redis.RedisIdempotencyStore;
import io.github.serializedby.idempotency.test.IdempotencyStoreContractTest;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The idempotency store contract against the Redis Cluster; skipped when it is not reachable (failed on CI). */
class RedisClusterIdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection(RedisTopology.CLUSTER);

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new RedisIdempotencyStore(redis.factory(), "serialized-by-test:", clock);
    }
}
