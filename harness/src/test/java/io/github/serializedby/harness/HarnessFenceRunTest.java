package io.github.serializedby.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.serializedby.lock.test.TestServers;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A holder stopped past its lease on the lease table, short runs: stopped before its transaction, the
 * fence refuses its late write; stopped between its write and its commit, the fence loses no update,
 * while the control (the token checked by the write alone) does. About a minute.
 */
class HarnessFenceRunTest {

    @Test
    void fenceHoldsWhereTheWriteOnlyGuardLosesAnUpdate() throws Exception {
        URI postgres = URI.create(Servers.postgresUrl().substring("jdbc:".length()));
        TestServers.requireReachable("PostgreSQL", postgres.getHost(), postgres.getPort());

        List<RunResult> results = Harness.run(Harness.scenarios(
                EnumSet.of(ProviderKind.PG_LEASE_TABLE), EnumSet.of(Fault.STOP_BEGIN, Fault.STOP_COMMIT), true));

        assertThat(results)
                .extracting(
                        result -> result.scenario().fault(),
                        result -> result.scenario().guard())
                .containsExactly(
                        tuple(Fault.STOP_BEGIN, Guard.FENCE),
                        tuple(Fault.STOP_COMMIT, Guard.FENCE),
                        tuple(Fault.STOP_COMMIT, Guard.WRITE_ONLY));
        assertThat(results)
                .allSatisfy(result ->
                        assertThat(result.violations()).as(result.summary()).isEmpty());
        assertThat(results.get(0).staleRejected()).as(results.get(0).summary()).isPositive();
        assertThat(results.get(1).lostUpdates()).as(results.get(1).summary()).isZero();
        assertThat(results.get(2).lostUpdates()).as(results.get(2).summary()).isPositive();
    }
}
