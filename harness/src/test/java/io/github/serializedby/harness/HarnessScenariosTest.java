package io.github.serializedby.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which runs the harness makes for which provider, and the names it reads on its command line. */
class HarnessScenariosTest {

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void providersAndFaultsAreFoundByTheirLabels(ProviderKind provider) {
        assertThat(ProviderKind.of(provider.label())).isSameAs(provider);
        for (Fault fault : Fault.values()) {
            assertThat(Fault.of(fault.label())).isSameAs(fault);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> Fault.of("fail-over"));
        assertThatIllegalArgumentException().isThrownBy(() -> ProviderKind.of("cluster"));
    }

    @Test
    void theClusterRunsEveryFaultButTheServerOnes() {
        assertThat(Harness.scenarios(EnumSet.of(ProviderKind.REDIS_CLUSTER), EnumSet.allOf(Fault.class), false))
                .extracting(Scenario::fault, Scenario::guard)
                .containsExactly(
                        tuple(Fault.NONE, Guard.FENCE),
                        tuple(Fault.KILL, Guard.FENCE),
                        tuple(Fault.STOP_BEGIN, Guard.FENCE),
                        tuple(Fault.STOP_READ, Guard.FENCE),
                        tuple(Fault.STOP_COMMIT, Guard.FENCE),
                        tuple(Fault.STOP_COMMIT, Guard.WRITE_ONLY));
    }

    @Test
    void onlySentinelFailsOver() {
        assertThat(Harness.scenarios(EnumSet.allOf(ProviderKind.class), EnumSet.of(Fault.FAILOVER), false))
                .extracting(Scenario::provider, Scenario::guard)
                .containsExactly(tuple(ProviderKind.REDIS_SENTINEL, Guard.FENCE));
        assertThat(Harness.scenarios(
                        EnumSet.of(ProviderKind.REDIS_SENTINEL),
                        EnumSet.of(Fault.REDIS_RESTART, Fault.PG_TERMINATE),
                        false))
                .isEmpty();
    }

    @Test
    void theFailedOverHolderOutlastsItsLeaseWhichOutlastsThePromotion() {
        Scenario failover = Scenario.of(ProviderKind.REDIS_SENTINEL, Fault.FAILOVER, Guard.FENCE, false);

        assertThat(failover.holdFor()).isGreaterThan(failover.lease());
        assertThat(failover.lease()).isGreaterThan(Duration.ofSeconds(5));
        assertThat(failover.fault().pause()).isEqualTo(Pause.BEGIN);
    }
}
