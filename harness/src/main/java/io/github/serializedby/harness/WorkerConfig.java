package io.github.serializedby.harness;

import java.time.Duration;
import java.util.List;

/**
 * What one worker process does: which provider, how many threads, on how many keys; and whether its
 * first thread, when the coordinator asks, signals the lock it holds and keeps it for {@code holdFor}
 * between its read and its write (the moment a fault strikes). The coordinator says when to stop;
 * {@code duration} is only the run's planned length, which a worker outlives by at most {@link
 * Worker#OVERTIME} should the coordinator never say it.
 */
record WorkerConfig(
        String runId,
        ProviderKind provider,
        int worker,
        int threads,
        Duration duration,
        int keys,
        Duration lease,
        Duration holdFor) {

    /** Whether this worker signals a held lock for a fault. */
    boolean holds() {
        return !holdFor.isZero();
    }

    /** The command-line arguments that {@link #parse} reads back. */
    List<String> toArgs() {
        return List.of(
                runId,
                provider.label(),
                String.valueOf(worker),
                String.valueOf(threads),
                String.valueOf(duration.toMillis()),
                String.valueOf(keys),
                String.valueOf(lease.toMillis()),
                String.valueOf(holdFor.toMillis()));
    }

    static WorkerConfig parse(String[] args) {
        if (args.length != 8) {
            throw new IllegalArgumentException("Expected 8 arguments, got " + List.of(args));
        }
        return new WorkerConfig(
                args[0],
                ProviderKind.of(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Duration.ofMillis(Long.parseLong(args[4])),
                Integer.parseInt(args[5]),
                Duration.ofMillis(Long.parseLong(args[6])),
                Duration.ofMillis(Long.parseLong(args[7])));
    }
}
