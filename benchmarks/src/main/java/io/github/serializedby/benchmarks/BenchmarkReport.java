package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>Arguments: {@code [warmupIterations measurementIterations secondsPerIteration forks]}, by default
 * {@code 3 5 1 1} (a few minutes on two cores).
 */
public final class BenchmarkReport {

    private BenchmarkReport() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("jol.magicFieldOffset", "true");
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int forks = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Options options = new OptionsBuilder()
                .include(UncontendedCallBenchmark.class.getSimpleName())
                .include(ProviderBenchmark.class.getSimpleName())
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .forks(forks)
                .jvmArgsAppend("-Xmx1g")
                .build();
        Map<String, Double> score = scores(new Runner(options).run());
        HandoffLatency.Percentiles ours = HandoffLatency.provider(new InMemoryLockProvider(), 20_000);
        HandoffLatency.Percentiles fair = HandoffLatency.fairReentrantLock(20_000);
        MemoryFootprint.Result memory = MemoryFootprint.measure(10_000);

        String settings = String.format(
                Locale.ROOT,
                "JMH %d warm-up and %d measured iterations of %d s, %d fork(s); Java %s; %d cores",
                warmups,
                iterations,
                seconds,
                forks,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        String report = render(score, ours, fair, memory, settings);
        System.out.println(report);
        Path out = Path.of("benchmarks", "results", "latest.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("Written to " + out.toAbsolutePath());
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

    private static void row(StringBuilder out, String what, double ours, double baseline, String ratio, String target) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s |%n", what, ours, baseline, ratio, target));
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f×", a / b);
    }
}
