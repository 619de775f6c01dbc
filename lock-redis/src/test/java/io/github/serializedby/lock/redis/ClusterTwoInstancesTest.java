package io.github.serializedby.lock.redis;

/** Two instances on the Redis Cluster; skipped when it is not reachable (failed on CI). */
class ClusterTwoInstancesTest extends AbstractTwoInstancesTest {

    @Override
    protected RedisTopology topology() {
        return RedisTopology.CLUSTER;
    }
}
