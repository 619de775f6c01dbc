package io.github.serializedby.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HotKeyRecordsTests {

    /** One instance's holds, each {acquired, releasing, token}, asked 10 ns before its acquisition. */
    private static HotKeyRecords instance(int localOverlaps, long[]... holds) {
        long[] asked = new long[holds.length];
        long[] acquired = new long[holds.length];
        long[] releasing = new long[holds.length];
        long[] tokens = new long[holds.length];
        for (int i = 0; i < holds.length; i++) {
            asked[i] = holds[i][0] - 10;
            acquired[i] = holds[i][0];
            releasing[i] = holds[i][1];
            tokens[i] = holds[i][2];
        }
        return new HotKeyRecords(100, 200, localOverlaps, asked, acquired, releasing, tokens);
    }

    @Test
    void holdsTakingTurnsWithGrowingTokensBreakNothing() {
        List<HotKeyRecords> instances = List.of(
                instance(0, new long[] {100, 110, 1}, new long[] {130, 140, 3}),
                instance(0, new long[] {115, 125, 2}, new long[] {145, 150, 4}));

        assertThat(HotKeyRecords.violations(instances)).isEmpty();
    }

    @Test
    void holdsOfTwoInstancesOverlappingInTimeAreReported() {
        List<HotKeyRecords> instances =
                List.of(instance(0, new long[] {100, 120, 1}), instance(0, new long[] {115, 130, 2}));

        assertThat(HotKeyRecords.violations(instances))
                .containsExactly("instance 1 acquired 5 ns before instance 0 released");
    }

    @Test
    void aTokenNotAboveTheOneOfTheHoldBeforeIsReported() {
        List<HotKeyRecords> instances =
                List.of(instance(0, new long[] {100, 110, 7}), instance(0, new long[] {120, 130, 7}));

        assertThat(HotKeyRecords.violations(instances)).containsExactly("token 7 of instance 1 after 7 of instance 0");
    }

    @Test
    void tokensGoingBackWithinOneInstanceAreReported() {
        List<HotKeyRecords> instances = List.of(instance(0, new long[] {100, 110, 5}, new long[] {90, 95, 4}));

        assertThat(HotKeyRecords.violations(instances)).contains("instance 0: token 4 after 5");
    }

    @Test
    void twoLocalHoldersAtOnceAreReported() {
        assertThat(HotKeyRecords.violations(List.of(instance(2, new long[] {100, 110, 1}))))
                .containsExactly("instance 0: 2 holds began while another was held");
    }

    @Test
    void locksWithoutTokensAreCheckedForOverlapsOnly() {
        List<HotKeyRecords> instances =
                List.of(instance(0, new long[] {100, 110, -1}), instance(0, new long[] {120, 130, -1}));

        assertThat(HotKeyRecords.violations(instances)).isEmpty();
    }

    @Test
    void onlyHoldsReleasedWithinTheWindowCount() {
        HotKeyRecords records = instance(
                0, new long[] {90, 99, 1}, new long[] {100, 150, 2}, new long[] {160, 199, 3}, new long[] {199, 200, 4
                });

        assertThat(records.completions()).isEqualTo(2);
        assertThat(records.meanHoldMicros()).isEqualTo(0.0445);
        assertThat(records.waits().p50()).isEqualTo(0.01);
    }
}
