package io.github.serializedby.lock.redis;

/** Two instances on the Redis Sentinel setup; skipped when it is not reachable (failed on CI). */
class SentinelTwoInstancesTest extends AbstractTwoInstancesTest {

    @Override
    protected RedisTopology topology() {
        return RedisTopology.SENTINEL;
    }
}
