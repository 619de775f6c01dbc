package io.github.serializedby.harness;

import java.time.Duration;
import java.util.List;

/**
 * What one worker process does: which provider and guard, how many threads, on how many keys; and
 * whether its first thread, when the coordinator asks, signals the lock it holds and keeps it for {@code
 * holdFor} at {@code pause} (the moment a fault strikes). The coordinator says when to stop; {@code
 * duration} is only the run's planned length, which a worker outlives by at most {@link Worker#OVERTIME}
 * should the coordinator never say it.
 */
record WorkerConfig(
        String runId,
        ProviderKind provider,
        Guard guard,
        int worker,
        int threads,
        Duration duration,
        int keys,
        Duration lease,
        Duration holdFor,
        Pause pause) {

    /** Whether this worker signals a held lock for a fault. */
    boolean holds() {
        return !holdFor.isZero();
    }

    /** The command-line arguments that {@link #parse} reads back. */
    List<String> toArgs() {
        return List.of(
                runId,
                provider.label(),
                guard.label(),
                String.valueOf(worker),
                String.valueOf(threads),
                String.valueOf(duration.toMillis()),
                String.valueOf(keys),
                String.valueOf(lease.toMillis()),
                String.valueOf(holdFor.toMillis()),
                pause.name());
    }

    static WorkerConfig parse(String[] args) {
        if (args.length != 10) {
            throw new IllegalArgumentException("Expected 10 arguments, got " + List.of(args));
        }
        return new WorkerConfig(
                args[0],
                ProviderKind.of(args[1]),
                Guard.of(args[2]),
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]),
                Duration.ofMillis(Long.parseLong(args[5])),
                Integer.parseInt(args[6]),
                Duration.ofMillis(Long.parseLong(args[7])),
                Duration.ofMillis(Long.parseLong(args[8])),
                Pause.valueOf(args[9]));
    }
}
