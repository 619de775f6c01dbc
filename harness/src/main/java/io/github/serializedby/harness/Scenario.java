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

    /**
     * Three workers of three threads on four keys, with a 2 s lease, or 10 s in a fail-over, which must
     * outlast the promotion so that a lock is lost only where the replica missed it, not by expiry;
     * {@code quick} runs shorter.
     */
    public static Scenario of(ProviderKind provider, Fault fault, Guard guard, boolean quick) {
        Duration duration = Duration.ofSeconds(quick ? 5 : fault == Fault.NONE || fault == Fault.KILL ? 8 : 10);
        return new Scenario(
                provider,
                fault,
                guard,
                3,
                3,
                4,
                Duration.ofSeconds(fault == Fault.FAILOVER ? 10 : 2),
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

    /**
     * How long the struck holder keeps its lock once it signalled it: long enough to be killed or stopped;
     * in a fail-over, past its lease, since the replica may also have missed the release of the lock's
     * previous holder, which then keeps it there until that lease ends, and only then can another holder
     * take the lost lock.
     */
    Duration holdFor() {
        return switch (fault) {
            case KILL -> Duration.ofMinutes(1);
            case FAILOVER -> lease.plusSeconds(8);
            // a second for the coordinator's SIGSTOP: at a load of 20 on 2 cores, 300 ms came and went before it
            default -> fault.stops() ? Duration.ofSeconds(1) : Duration.ZERO;
        };
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
