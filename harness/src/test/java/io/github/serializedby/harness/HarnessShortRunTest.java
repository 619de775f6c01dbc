package io.github.serializedby.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.test.TestServers;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness's short version for each provider: three worker JVMs without faults, then with a holder
 * killed by {@code kill -9}; every invariant must hold. About 10 s per provider.
 */
class HarnessShortRunTest {

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void noFaultAndKillOfAHolderBreakNoInvariant(ProviderKind provider) throws Exception {
        URI postgres = URI.create(Servers.postgresUrl().substring("jdbc:".length()));
        TestServers.requireReachable("PostgreSQL", postgres.getHost(), postgres.getPort());
        switch (provider) {
            case REDIS ->
                TestServers.requireReachable(
                        "Redis",
                        Servers.redisUri().getHost(),
                        Servers.redisUri().getPort());
            case REDIS_CLUSTER ->
                requireFirst("Redis Cluster (scripts/redis-cluster.sh start)", Servers.redisClusterNodes());
            case REDIS_SENTINEL ->
                requireFirst("Redis Sentinel (scripts/redis-sentinel.sh start)", Servers.redisSentinelNodes());
            default -> {}
        }

        List<RunResult> results =
                Harness.run(Harness.scenarios(EnumSet.of(provider), EnumSet.of(Fault.NONE, Fault.KILL), true));

        assertThat(results).hasSize(2);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.violations()).as(result.summary()).isEmpty();
            assertThat(result.operations()).as(result.summary()).isPositive();
        });
    }

    /** Skips the test when the first of {@code nodes} cannot be reached, or fails it on CI. */
    static void requireFirst(String name, List<String> nodes) {
        String first = nodes.get(0);
        int colon = first.lastIndexOf(':');
        TestServers.requireReachable(name, first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }
}
