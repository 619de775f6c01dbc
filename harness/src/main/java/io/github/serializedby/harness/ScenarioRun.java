package io.github.serializedby.harness;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Runs one {@link Scenario}: starts the workers, strikes with the fault once each has done an operation,
 * stops them when the duration has passed (and the system has had the time to recover), and checks the
 * history. Counting the duration from the workers' first operations keeps their start-up out of it: on a
 * loaded 2-core machine a worker JVM took a whole 5 s run to warm up. The checks: fencing tokens
 * increasing in commit order, always; no lost update, except in a control run, which must lose one; no
 * overlap and no rejected write without faults; and, per fault, that the system recovered as it should.
 * A fail-over must lose the lock the replica never saw, and the fence refuse that holder's late write; the
 * overlaps it causes are reported, not counted as violations.
 */
final class ScenarioRun {

    /** Generous: no invariant is judged by it, and a JVM starting on a loaded machine is slow. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration HOLD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    /** Sentinel calls a master down after 2 s ({@code scripts/redis-sentinel.sh}), then elects and promotes. */
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

    private final Scenario scenario;
    private final String runId;
    private final Path logDirectory;
    private final List<String> violations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private OptionalLong recoveryMillis = OptionalLong.empty();
    private boolean failedOver;

    ScenarioRun(Scenario scenario, Path logDirectory) {
        this.scenario = scenario;
        this.runId = scenario.provider().label() + "-" + scenario.fault().label() + "-"
                + scenario.guard().label() + "-" + System.currentTimeMillis();
        this.logDirectory = logDirectory;
    }

    RunResult run() throws Exception {
        try (Connection connection = Servers.harnessConnection()) {
            CounterTable.initialise(connection, runId, scenario.keys());
            List<WorkerProcess> workers = startWorkers();
            for (WorkerProcess worker : workers) {
                if (!worker.awaitReady(READY_TIMEOUT)) {
                    violations.add("worker " + worker.pid() + " did no operation within " + READY_TIMEOUT);
                }
            }
            long readyAt = System.nanoTime();
            Strike strike;
            try {
                strike = strike(workers.get(0), connection);
            } finally {
                if (failedOver) {
                    restoreSentinel();
                }
            }
            Duration rest = scenario.duration().minusNanos(System.nanoTime() - readyAt);
            if (scenario.fault() != Fault.NONE && rest.compareTo(scenario.maxRecovery()) < 0) {
                rest = scenario.maxRecovery().plusSeconds(1);
            }
            if (!rest.isNegative()) {
                Thread.sleep(rest.toMillis());
            }
            workers.forEach(WorkerProcess::stop);
            long unavailable = 0;
            for (WorkerProcess worker : workers) {
                if (!worker.await(STOP_TIMEOUT)) {
                    violations.add("worker " + worker.pid() + " did not finish");
                }
                unavailable += worker.reported("unavailable");
                if (worker.reported("errors") > 0) {
                    violations.add("worker " + worker.pid() + " had errors, see " + logDirectory);
                }
            }
            History history = History.load(connection, runId);
            check(history, strike, workers.get(0));
            return new RunResult(
                    scenario,
                    history.operations(),
                    history.lostUpdates(),
                    history.overlaps(),
                    history.rejected(),
                    unavailable,
                    recoveryMillis,
                    List.copyOf(violations),
                    List.copyOf(notes));
        }
    }

    private List<WorkerProcess> startWorkers() throws Exception {
        List<WorkerProcess> workers = new ArrayList<>();
        for (int i = 0; i < scenario.workers(); i++) {
            Duration holdFor = i > 0 ? Duration.ZERO : scenario.holdFor();
            workers.add(WorkerProcess.start(
                    new WorkerConfig(
                            runId,
                            scenario.provider(),
                            scenario.guard(),
                            i,
                            scenario.threads(),
                            scenario.duration(),
                            scenario.keys(),
                            scenario.lease(),
                            holdFor,
                            scenario.fault().pause()),
                    logDirectory));
        }
        return workers;
    }

    /** Injects the fault; returns when it struck and, for a holder, which lock it held. */
    private Strike strike(WorkerProcess holder, Connection connection) throws Exception {
        Fault fault = scenario.fault();
        if (fault == Fault.FAILOVER) {
            return failOver(holder);
        }
        if (fault.strikesHolder()) {
            Thread.sleep(scenario.holdAfter().toMillis());
            holder.requestHold();
            String line = holder.awaitHolding(HOLD_TIMEOUT);
            if (line == null) {
                violations.add("no worker signalled a held lock");
                return new Strike(Micros.now(), "", 0);
            }
            String[] parts = line.split(" ");
            long at = Micros.now();
            if (fault == Fault.KILL) {
                holder.kill();
            } else {
                FaultInjector.stop(holder.pid());
                Thread.sleep(scenario.stopFor().toMillis());
                FaultInjector.resume(holder.pid());
            }
            return new Strike(at, parts[1], Long.parseLong(parts[2]));
        }
        if (fault == Fault.NONE) {
            return new Strike(Micros.now(), "", 0);
        }
        // while the workers are busy, so that the fault strikes locks and tokens in use
        Thread.sleep(scenario.holdAfter().toMillis());
        if (fault == Fault.REDIS_RESTART) {
            return new Strike(FaultInjector.restartRedis(Duration.ofSeconds(1)), "", 0);
        }
        long at = Micros.now();
        if (FaultInjector.terminateLockSessions(connection) == 0) {
            violations.add("no lock session to terminate");
        }
        return new Strike(at, "", 0);
    }

    /**
     * Cuts the replica off, lets the holder take a lock only the master has, and ends the master: the
     * sentinels promote a replica that never saw that lock.
     */
    private Strike failOver(WorkerProcess holder) throws Exception {
        Thread.sleep(scenario.holdAfter().toMillis());
        failedOver = true;
        FaultInjector.SentinelSetup setup = FaultInjector.cutReplica();
        String line;
        long at;
        try {
            holder.requestHold();
            line = holder.awaitHolding(HOLD_TIMEOUT);
        } finally {
            at = FaultInjector.failOver(setup, FAILOVER_TIMEOUT);
        }
        if (line == null) {
            violations.add("no worker signalled a held lock");
            return new Strike(at, "", 0);
        }
        String[] parts = line.split(" ");
        return new Strike(at, parts[1], Long.parseLong(parts[2]));
    }

    private void check(History history, Strike strike, WorkerProcess holder) {
        if (scenario.expectsLostUpdate()) {
            if (history.lostUpdates() == 0) {
                violations.add("the control lost no update: this run cannot tell a working guard from a broken one");
            }
        } else if (history.lostUpdates() > 0) {
            violations.add(history.lostUpdates() + " lost updates");
        }
        if (history.tokenOrderViolations() > 0) {
            violations.add(history.tokenOrderViolations() + " accepted writes with a token not above the last");
        }
        switch (scenario.fault()) {
            case NONE -> {
                if (history.overlaps() > 0 || history.rejected() > 0) {
                    violations.add("holds overlapped without any fault");
                }
            }
            case KILL -> checkFreed(history, strike, scenario.maxRecovery());
            case STOP_BEGIN, STOP_READ, STOP_COMMIT -> {
                checkFreed(history, strike, scenario.stopFor().plus(scenario.maxRecovery()));
                if (scenario.provider().leased()
                        && scenario.guard().checksAfter(scenario.fault().pause())) {
                    checkFenced(history, strike, holder);
                }
            }
            case FAILOVER -> {
                checkServedAgain(history, strike);
                checkLostLock(history, strike, holder);
            }
            case REDIS_RESTART, PG_TERMINATE -> checkServedAgain(history, strike);
        }
    }

    /** A lease must be granted after a fault of the server. */
    private void checkServedAgain(History history, Strike strike) {
        recoveryMillis = millisSince(strike.at(), history.firstAcquisitionAfter(strike.at()));
        if (recoveryMillis.isEmpty()) {
            violations.add("no lease granted after the fault");
        }
    }

    /** The old master comes back as a replica of the new one, so that the next run finds a healthy setup. */
    private void restoreSentinel() {
        try {
            FaultInjector.startTopology(ProviderKind.REDIS_SENTINEL);
        } catch (Exception e) {
            violations.add("the Sentinel setup was not restored: " + e.getMessage());
        }
    }

    /** The struck holder's lock must pass to another within {@code limit} of the strike. */
    private void checkFreed(History history, Strike strike, Duration limit) {
        if (strike.key().isEmpty()) {
            return;
        }
        recoveryMillis = millisSince(strike.at(), history.firstAcquisitionAfter(strike.key(), strike.token(), 0));
        if (recoveryMillis.isEmpty()) {
            violations.add("the struck holder's lock never passed to another");
        } else if (recoveryMillis.getAsLong() < 0) {
            violations.add("the struck holder's lock was taken while it held it");
        } else if (recoveryMillis.getAsLong() > limit.toMillis()) {
            violations.add("the struck holder's lock came free only after " + recoveryMillis.getAsLong() + " ms");
        }
    }

    /**
     * The struck holder's lease must be reported lost, and its late write rejected by the guard it met
     * on waking. (A holder stopped after its guard may commit: the fence's row lock kept the next holder
     * from reading until then, which the lost-update check proves.)
     */
    private void checkFenced(History history, Strike strike, WorkerProcess holder) {
        var write = history.write(strike.key(), strike.token());
        if (write.isEmpty()) {
            violations.add("the struck holder's write is missing");
            return;
        }
        if (write.get().leaseValid() && !holder.lostTokens().contains(strike.token())) {
            violations.add("the struck holder's lease was not reported lost");
        }
        if (write.get().accepted()) {
            violations.add("the struck holder's late write was accepted");
        }
    }

    /**
     * The lock the replica never saw must be lost: taken by another holder while its first holder still
     * held it (without that, the run would show nothing), reported lost to that holder, and its late
     * write refused by the fence. The overlaps this causes are expected of the fault and go in the notes.
     */
    private void checkLostLock(History history, Strike strike, WorkerProcess holder) {
        if (history.overlaps() > 0) {
            notes.add(
                    history.overlaps() + " overlapping holds, expected: the fail-over lost a lock not yet replicated");
        }
        if (strike.key().isEmpty()) {
            return;
        }
        if (!history.overlapsWith(strike.key(), strike.token())) {
            violations.add(
                    "the lock the replica never saw was not taken by another holder: the run shows no lost lock");
        }
        checkFenced(history, strike, holder);
    }

    private static OptionalLong millisSince(long micros, OptionalLong laterMicros) {
        return laterMicros.isPresent()
                ? OptionalLong.of((laterMicros.getAsLong() - micros) / 1_000)
                : OptionalLong.empty();
    }

    /** When the fault struck, and the lock the struck holder held (empty key when none). */
    private record Strike(long at, String key, long token) {}
}
