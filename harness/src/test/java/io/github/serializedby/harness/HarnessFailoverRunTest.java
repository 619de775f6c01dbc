package io.github.serializedby.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.test.TestServers;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Sentinel fail-over during a short run: the lock the replica never saw is lost and taken by another
 * holder (overlaps), and the fence refuses the first holder's late write, so no update is lost. The setup
 * is restored by {@code scripts/redis-sentinel.sh} afterwards. About a minute.
 */
class HarnessFailoverRunTest {

    @Test
    void theFenceLosesNoUpdateWhenAFailOverLosesALock() throws Exception {
        URI postgres = URI.create(Servers.postgresUrl().substring("jdbc:".length()));
        TestServers.requireReachable("PostgreSQL", postgres.getHost(), postgres.getPort());
        HarnessShortRunTest.requireFirst(
                "Redis Sentinel (scripts/redis-sentinel.sh start)", Servers.redisSentinelNodes());

        List<RunResult> results = Harness.run(
                Harness.scenarios(EnumSet.of(ProviderKind.REDIS_SENTINEL), EnumSet.of(Fault.FAILOVER), true));

        assertThat(results).hasSize(1);
        RunResult result = results.get(0);
        assertThat(result.violations()).as(result.summary()).isEmpty();
        assertThat(result.lostUpdates()).as(result.summary()).isZero();
        assertThat(result.overlaps()).as(result.summary()).isPositive();
        assertThat(result.staleRejected()).as(result.summary()).isPositive();
    }
}
