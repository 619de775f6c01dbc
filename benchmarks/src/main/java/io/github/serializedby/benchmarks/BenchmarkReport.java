package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and measurements in one go and prints a table of ratios against the baselines
 * measured in the same run; also writes it to {@code benchmarks/results/latest.md}.
 *
 * <p>Arguments: {@code [warmupIterations measurementIterations secondsPerIteration forks hotKeySeconds]}, by
 * default {@code 3 5 1 1 30} (a few minutes on two cores); the last is the measured time of each variant of
 * {@link HotKeyAcrossInstances}.
 */
public final class BenchmarkReport {

    private BenchmarkReport() {}

    /**
     * The heap of every JMH fork: fixed and touched at start-up, so that no row measures the heap's growth
     * (with {@code -Xmx1g} alone, first-touch page faults were a quarter of the uncontended call's CPU
     * samples in an async-profiler run) and every row allocates into the same memory.
     */
    static final String[] FORK_JVM_ARGS = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"};

    public static void main(String[] args) throws Exception {
        System.setProperty("jol.magicFieldOffset", "true");
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int forks = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int hotKeySeconds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        boolean redis = Servers.redisAnswers();
        boolean postgres = Servers.postgresAnswers();
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(UncontendedCallBenchmark.class.getSimpleName());
        builder.include(ProviderBenchmark.class.getSimpleName());
        if (redis) {
            builder.include(RedisBenchmark.class.getSimpleName());
        } else {
            System.out.println("Redis not reachable at 127.0.0.1:6379: its benchmarks are left out");
        }
        if (postgres) {
            builder.include(PostgresBenchmark.class.getSimpleName());
            builder.include(FenceBenchmark.class.getSimpleName());
        } else {
            System.out.println("PostgreSQL not reachable at 127.0.0.1:5432: its benchmarks are left out");
        }
        Options options = builder.warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .forks(forks)
                .jvmArgsAppend(FORK_JVM_ARGS)
                .build();
        Map<String, Double> score = scores(new Runner(options).run());
        HandoffLatency.Comparison handoff = HandoffLatency.againstFairLock(new InMemoryLockProvider(), 20_000);
        HandoffLatency.Percentiles ours = handoff.ours();
        HandoffLatency.Percentiles fair = handoff.baseline();
        MemoryFootprint.Result memory = MemoryFootprint.measure(10_000);
        Map<String, HandoffLatency.Percentiles> remote = new java.util.LinkedHashMap<>();
        if (redis) {
            remote.put("redisProvider", DistributedHandoffs.redisProvider(300));
            remote.put("redisson", DistributedHandoffs.redisson(300));
        }
        HotKeyAcrossInstances hotKey =
                redis ? HotKeyAcrossInstances.measure(Duration.ofSeconds(hotKeySeconds), Duration.ofSeconds(5)) : null;
        if (postgres) {
            remote.put("postgresAdvisory", DistributedHandoffs.postgresAdvisory(300));
            remote.put("jdbcLockRegistry", DistributedHandoffs.jdbcLockRegistry(30));
        }

        String settings = String.format(
                Locale.ROOT,
                "JMH %d warm-up and %d measured iterations of %d s, %d fork(s) with %s; Java %s; %d cores",
                warmups,
                iterations,
                seconds,
                forks,
                String.join(" ", FORK_JVM_ARGS),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        String report = render(score, ours, fair, memory, settings) + renderRemote(score, remote);
        if (hotKey != null) {
            report += hotKey.rows() + "\n" + hotKey.details();
        }
        System.out.println(report);
        Path out = Path.of("benchmarks", "results", "latest.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("Written to " + out.toAbsolutePath());
        if (hotKey != null && !hotKey.exclusive()) {
            System.out.println("The hot key's holds overlapped or its fencing tokens went back: see its table");
            System.exit(1);
        }
    }

    private static Map<String, Double> scores(Collection<RunResult> results) {
        Map<String, Double> scores = new HashMap<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String method = label.substring(label.lastIndexOf('.') + 1);
            scores.put(method, result.getPrimaryResult().getScore());
        }
        return scores;
    }

    private static String render(
            Map<String, Double> s,
            HandoffLatency.Percentiles ours,
            HandoffLatency.Percentiles fair,
            MemoryFootprint.Result memory,
            String settings)
            throws IOException {
        double plain = s.get("plainCall");
        double annotated = s.get("serializedBy");
        double observed = s.get("serializedByObserved");
        double clockRead = s.get("clockRead");
        double floor = s.get("proxyWithMapLock");
        double spel = s.get("proxyWithSpelAndMapLock");
        double registry = s.get("springIntegrationLockRegistry");
        double provider = s.get("uncontendedInMemoryProvider");
        double map = s.get("uncontendedMapOfReentrantLocks");
        double hot = s.get("hotKeyInMemoryProvider");
        double hotFair = s.get("hotKeyFairReentrantLock");
        double many = s.get("manyKeysInMemoryProvider");
        double manyMap = s.get("manyKeysMapOfReentrantLocks");
        StringBuilder out = new StringBuilder();
        out.append("# SerializedBy benchmark results\n\n")
                .append(LocalDate.now())
                .append(", ")
                .append(settings)
                .append(".\n\n");
        out.append("| measurement | ours | baseline | ratio | target |\n|---|---|---|---|---|\n");
        row(
                out,
                "`@SerializedBy(\"#paymentId\")` call vs plain call (ns/op)",
                annotated,
                plain,
                String.format(Locale.ROOT, "+%.1f ns", annotated - plain),
                "≤ +100 ns");
        row(
                out,
                "observed `@SerializedBy` call (Micrometer meters on) vs unobserved (ns/op)",
                observed,
                annotated,
                String.format(Locale.ROOT, "+%.1f ns", observed - annotated),
                "≤ 300 ns");
        row(
                out,
                "observed call's meter cost vs the 5 clock reads it makes (`System.nanoTime()` × 5, ns)",
                observed - annotated,
                5 * clockRead,
                ratio(observed - annotated, 5 * clockRead),
                "");
        row(
                out,
                "`@SerializedBy` vs proxy + `ConcurrentHashMap<String, ReentrantLock>` floor (ns/op)",
                annotated,
                floor,
                ratio(annotated, floor),
                "≤ 2×");
        row(
                out,
                "proxy + cached interpreted SpEL + map lock vs `@SerializedBy` (ns/op)",
                spel,
                annotated,
                ratio(spel, annotated) + " slower",
                "≥ 2.5× slower");
        row(
                out,
                "Spring Integration `DefaultLockRegistry.executeLocked` vs `@SerializedBy` (ns/op)",
                registry,
                annotated,
                ratio(registry, annotated),
                "");
        row(
                out,
                "in-memory provider lock + release vs map of `ReentrantLock` (ns/op)",
                provider,
                map,
                ratio(provider, map),
                "≤ 2×");
        row(
                out,
                "one hot key, 2 threads: in-memory provider vs fair `ReentrantLock` (ops/µs)",
                hot,
                hotFair,
                ratio(hot, hotFair),
                "≥ 0.8×");
        row(
                out,
                "1024 keys, 2 threads: in-memory provider vs map of `ReentrantLock` (ops/µs)",
                many,
                manyMap,
                ratio(many, manyMap),
                "");
        row(
                out,
                "hand-off release → waiter running, p50 (µs)",
                ours.p50(),
                fair.p50(),
                ratio(ours.p50(), fair.p50()),
                "");
        row(
                out,
                "hand-off release → waiter running, p99 (µs)",
                ours.p99(),
                fair.p99(),
                ratio(ours.p99(), fair.p99()),
                "");
        out.append(String.format(
                Locale.ROOT, "| bytes per held key (in-memory) | %.0f | | | ≤ 200 |%n", memory.bytesPerHeldKey()));
        out.append(String.format(
                Locale.ROOT,
                "| retained after 1,000,000 distinct keys (bytes, active keys) | %d, %d | %d (empty) | | nothing retained |%n",
                memory.afterMillionKeysBytes(),
                memory.activeKeysAfter(),
                memory.emptyBytes()));
        return out.toString();
    }

    private static String renderRemote(Map<String, Double> s, Map<String, HandoffLatency.Percentiles> handoffs) {
        StringBuilder out = new StringBuilder();
        if (s.containsKey("redisLockProvider")) {
            double ours = s.get("redisLockProvider");
            row(
                    out,
                    "Redis lock + release vs raw `SET NX PX` + compare-and-delete (µs/op)",
                    ours,
                    s.get("rawSetNxAndCompareAndDelete"),
                    ratio(ours, s.get("rawSetNxAndCompareAndDelete")),
                    "≤ 1.1×");
            row(
                    out,
                    "Redisson `RLock` vs Redis provider, lock + release (µs/op)",
                    s.get("redissonRLock"),
                    ours,
                    ratio(s.get("redissonRLock"), ours) + " slower",
                    "≥ 1.5× slower");
            handoff(
                    out,
                    "Redis hand-off to another instance vs Redisson",
                    handoffs.get("redisProvider"),
                    handoffs.get("redisson"),
                    "p50 ≤ 0.8 ms, p99 ≤ 2 ms");
        }
        if (s.containsKey("postgresAdvisoryLockProvider")) {
            double ours = s.get("postgresAdvisoryLockProvider");
            row(
                    out,
                    "PostgreSQL advisory lock + release vs raw `pg_try_advisory_lock` + unlock (µs/op)",
                    ours,
                    s.get("rawAdvisoryLockAndUnlock"),
                    ratio(ours, s.get("rawAdvisoryLockAndUnlock")),
                    "≤ 1.2×");
            row(
                    out,
                    "Spring Integration `JdbcLockRegistry` vs advisory provider (µs/op)",
                    s.get("springIntegrationJdbcLockRegistry"),
                    ours,
                    ratio(s.get("springIntegrationJdbcLockRegistry"), ours) + " slower",
                    "≥ 5× slower");
            handoff(
                    out,
                    "PostgreSQL hand-off to another instance vs `JdbcLockRegistry`",
                    handoffs.get("postgresAdvisory"),
                    handoffs.get("jdbcLockRegistry"),
                    "p99 ≤ 5 ms");
            double fenced = s.get("transactionWithFence");
            double plain = s.get("transactionWithoutFence");
            row(
                    out,
                    "fence guard: transaction (read, update, commit) with/without `JdbcLockFence.admit` (µs/op)",
                    fenced,
                    plain,
                    ratio(fenced, plain) + String.format(Locale.ROOT, ", +%.1f µs", fenced - plain),
                    "one statement more");
        }
        return out.toString();
    }

    private static void handoff(
            StringBuilder out,
            String what,
            HandoffLatency.@org.jspecify.annotations.Nullable Percentiles ours,
            HandoffLatency.@org.jspecify.annotations.Nullable Percentiles peer,
            String target) {
        if (ours == null || peer == null) {
            return;
        }
        out.append(String.format(
                Locale.ROOT,
                "| %s, p50 / p99 (ms) | %.2f / %.2f | %.2f / %.2f | %.2f× / %.2f× | %s |%n",
                what,
                ours.p50() / 1000,
                ours.p99() / 1000,
                peer.p50() / 1000,
                peer.p99() / 1000,
                ours.p50() / peer.p50(),
                ours.p99() / peer.p99(),
                target));
    }

    private static void row(StringBuilder out, String what, double ours, double baseline, String ratio, String target) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s |%n", what, ours, baseline, ratio, target));
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
