package io.github.serializedby.harness;

import java.time.Duration;

/**
 * One run: a provider, a fault, the guard the workers use, and the run's size. Workers run for {@code
 * duration} from the moment each has done its first operation; the fault strikes {@code holdAfter} after
 * that moment.
 */
public record Scenario(
        ProviderKind provider,
        Fault fault,
        Guard guard,
        int workers,
        int threads,
        int keys,
        Duration lease,
        Duration duration,
        Duration holdAfter) {

    /** Three workers of three threads on four keys, with a 2 s lease; {@code quick} runs shorter. */
    public static Scenario of(ProviderKind provider, Fault fault, Guard guard, boolean quick) {
        Duration duration = Duration.ofSeconds(quick ? 5 : fault == Fault.NONE || fault == Fault.KILL ? 8 : 10);
        return new Scenario(
                provider,
                fault,
                guard,
                3,
                3,
                4,
                Duration.ofSeconds(2),
                duration,
                Duration.ofMillis(quick ? 1_000 : 2_000));
    }

    /**
     * Whether this run is a control that must lose an update: a holder stopped past its lease after it
     * passed the guard, which holds nothing that makes the next holder wait before its read.
     */
    boolean expectsLostUpdate() {
        return guard == Guard.WRITE_ONLY && fault.stops() && !guard.checksAfter(fault.pause()) && provider.leased();
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
