package io.github.serializedby.harness;

import java.time.Duration;

/**
 * One run: a provider, a fault, and its size. Workers run for {@code duration} from the moment each has
 * done its first operation; the fault strikes {@code holdAfter} after that moment.
 */
public record Scenario(
        ProviderKind provider,
        Fault fault,
        int workers,
        int threads,
        int keys,
        Duration lease,
        Duration duration,
        Duration holdAfter) {

    /** Three workers of three threads on four keys, with a 2 s lease; {@code quick} runs shorter. */
    public static Scenario of(ProviderKind provider, Fault fault, boolean quick) {
        Duration duration = Duration.ofSeconds(quick ? 5 : fault == Fault.NONE || fault == Fault.KILL ? 8 : 10);
        return new Scenario(
                provider, fault, 3, 3, 4, Duration.ofSeconds(2), duration, Duration.ofMillis(quick ? 1_000 : 2_000));
    }

    /** How long a stopped holder stays stopped: well past its lease. */
    Duration stopFor() {
        return lease.plusSeconds(2);
    }

    /** The longest a killed holder's lock may stay taken: its lease, or at once without leases, plus slack. */
    Duration maxRecovery() {
        return (provider.leased() ? lease : Duration.ZERO).plusSeconds(2);
    }
}
