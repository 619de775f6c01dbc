package io.github.serializedby.lock.redis;

/** Two instances on a standalone Redis; skipped when it is not reachable (failed on CI). */
class TwoInstancesTest extends AbstractTwoInstancesTest {

    @Override
    protected RedisTopology topology() {
        return RedisTopology.STANDALONE;
    }
}
