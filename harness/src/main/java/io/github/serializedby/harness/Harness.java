package io.github.serializedby.harness;

import io.github.serializedby.lock.LockListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The coordinator: runs every fault against every provider it applies to, prints one summary line per
 * run and a markdown table, and exits 1 when any invariant was broken.
 *
 * <p>Arguments: {@code --short} (no-fault and kill -9 runs of 5 s, as in CI), {@code --provider
 * redis|redis-cluster|redis-sentinel|pg-advisory|pg-lease-table} and {@code --fault
 * none|kill-9|sigstop-begin|sigstop-read|sigstop-commit|redis-restart|pg-terminate|failover} (each
 * repeatable; default all). Every run uses the library's fence; {@code sigstop-commit} on a leased provider
 * adds its control run with the guard only on the write. The Redis Cluster and Sentinel setups are started
 * with their scripts when their providers run.
 */
public final class Harness {

    private Harness() {}

    /** Runs the harness; see the class description for the arguments. */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Set<ProviderKind> providers = EnumSet.noneOf(ProviderKind.class);
        Set<Fault> faults = EnumSet.noneOf(Fault.class);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> quick = true;
                case "--provider" -> providers.add(ProviderKind.of(args[++i]));
                case "--fault" -> faults.add(Fault.of(args[++i]));
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        if (providers.isEmpty()) {
            providers = EnumSet.allOf(ProviderKind.class);
        }
        if (faults.isEmpty()) {
            faults = quick ? EnumSet.of(Fault.NONE, Fault.KILL) : EnumSet.allOf(Fault.class);
        }
        for (ProviderKind provider : providers) {
            FaultInjector.startTopology(provider);
        }
        List<RunResult> results = run(scenarios(providers, faults, quick));
        System.out.println();
        System.out.println(
                "| provider | fault | guard | operations | lost updates | overlaps | stale writes rejected | unavailable | time to recover (ms) | result |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        results.forEach(result -> System.out.println(result.markdownRow()));
        System.exit(results.stream().allMatch(RunResult::ok) ? 0 : 1);
    }

    /**
     * The runs for {@code faults} on {@code providers}, each fault only where it applies, with the fence;
     * and the control for a holder stopped between its write and its commit on a leased provider: the
     * same run with the guard only on the write, which must lose an update.
     */
    public static List<Scenario> scenarios(Set<ProviderKind> providers, Set<Fault> faults, boolean quick) {
        List<Scenario> scenarios = new ArrayList<>();
        for (ProviderKind provider : providers) {
            for (Fault fault : faults) {
                if (fault.appliesTo(provider)) {
                    scenarios.add(Scenario.of(provider, fault, Guard.FENCE, quick));
                    Scenario control = Scenario.of(provider, fault, Guard.WRITE_ONLY, quick);
                    if (control.expectsLostUpdate()) {
                        scenarios.add(control);
                    }
                }
            }
        }
        return scenarios;
    }

    /** Prepares the tables, runs the scenarios one after the other, printing each summary line. */
    public static List<RunResult> run(List<Scenario> scenarios) throws Exception {
        Path logs = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "serialized-by-harness"));
        try (Connection connection = Servers.harnessConnection()) {
            CounterTable.createTables(connection);
        }
        for (ProviderKind provider : EnumSet.of(ProviderKind.PG_ADVISORY, ProviderKind.PG_LEASE_TABLE)) {
            try (ProviderKind.Opened ignored =
                    provider.open(java.time.Duration.ofSeconds(2), LockListener.NOOP, true)) {
                // creates the provider's tables once, before several workers could race to
            }
        }
        List<RunResult> results = new ArrayList<>();
        try {
            for (Scenario scenario : scenarios) {
                RunResult result = new ScenarioRun(scenario, logs).run();
                System.out.println(result.summary());
                results.add(result);
            }
        } finally {
            if (scenarios.stream().anyMatch(scenario -> scenario.fault() == Fault.REDIS_RESTART)
                    && !FaultInjector.redisAnswers()) {
                FaultInjector.restartRedis(java.time.Duration.ZERO);
            }
        }
        return results;
    }
}
