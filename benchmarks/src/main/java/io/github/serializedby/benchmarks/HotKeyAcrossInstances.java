package io.github.serializedby.benchmarks;

import io.github.serializedby.benchmarks.HandoffLatency.Percentiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One hot key taken by three application instances at once, each a JVM of its own (child processes on this
 * benchmark's class path) with {@value HotKeyInstance#THREADS} threads and a critical section of 50 µs:
 * Redisson's {@code RLock}, the Redis provider without local hand-off and with it, one after another in the
 * same run. This process starts the instances, tells them when to start, measure and stop, and reads back
 * every hold they recorded to count completions per instance, their waits, and to check that no two holds
 * overlapped and fencing tokens only grew.
 *
 * <p>Alone: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.serializedby.benchmarks.HotKeyAcrossInstances [measuredSeconds [warmUpSeconds]]}, by default 30
 * and 5.
 */
final class HotKeyAcrossInstances {

    static final int INSTANCES = 3;

    /**
     * Longest wait for every thread of every instance to have held the key once, before the warm-up time
     * starts: on a loaded machine the first holds of a fresh JVM take seconds.
     */
    private static final Duration FIRST_HOLDS = Duration.ofMinutes(1);

    private final Map<HotKeyVariant, List<HotKeyRecords>> runs;
    private final Map<HotKeyVariant, List<String>> violations;
    private final Duration measured;
    private final Duration warmUp;

    private HotKeyAcrossInstances(
            Map<HotKeyVariant, List<HotKeyRecords>> runs,
            Map<HotKeyVariant, List<String>> violations,
            Duration measured,
            Duration warmUp) {
        this.runs = runs;
        this.violations = violations;
        this.measured = measured;
        this.warmUp = warmUp;
    }

    public static void main(String[] args) throws Exception {
        Duration measured = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 30);
        Duration warmUp = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : 5);
        HotKeyAcrossInstances result = measure(measured, warmUp);
        System.out.println("| measurement | ours | baseline | ratio | target |\n|---|---|---|---|---|");
        System.out.println(result.rows());
        System.out.println(result.details());
        System.exit(result.exclusive() ? 0 : 1);
    }

    /** Runs every variant for {@code measured} after {@code warmUp}, one after another. */
    static HotKeyAcrossInstances measure(Duration measured, Duration warmUp) throws Exception {
        Map<HotKeyVariant, List<HotKeyRecords>> runs = new EnumMap<>(HotKeyVariant.class);
        Map<HotKeyVariant, List<String>> violations = new EnumMap<>(HotKeyVariant.class);
        Path directory = Files.createTempDirectory("hot-key");
        try {
            for (HotKeyVariant variant : HotKeyVariant.values()) {
                List<HotKeyRecords> instances = run(variant, measured, warmUp, directory);
                runs.put(variant, instances);
                violations.put(variant, HotKeyRecords.violations(instances));
            }
        } finally {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
        return new HotKeyAcrossInstances(runs, violations, measured, warmUp);
    }

    private static List<HotKeyRecords> run(HotKeyVariant variant, Duration measured, Duration warmUp, Path directory)
            throws Exception {
        String key = "hot-key-" + UUID.randomUUID();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<PrintWriter> commands = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(INSTANCES);
        CountDownLatch warm = new CountDownLatch(INSTANCES);
        try {
            for (int i = 0; i < INSTANCES; i++) {
                Path file = directory.resolve(variant.name() + "-" + i);
                Process process = new ProcessBuilder(
                                java,
                                "-Xmx1g",
                                "-cp",
                                System.getProperty("java.class.path"),
                                HotKeyInstance.class.getName(),
                                variant.name(),
                                key,
                                file.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                processes.add(process);
                files.add(file);
                commands.add(new PrintWriter(
                        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true));
                Thread reader = new Thread(() -> follow(process, ready, warm), "hot-key-output-" + i);
                reader.setDaemon(true);
                reader.start();
            }
            if (!ready.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException(variant + ": the instances did not start within 2 minutes");
            }
            commands.forEach(out -> out.println("go"));
            if (!warm.await(FIRST_HOLDS.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println(variant + ": not every thread held the key within " + FIRST_HOLDS);
            }
            Thread.sleep(warmUp.toMillis());
            commands.forEach(out -> out.println("measure"));
            Thread.sleep(measured.toMillis());
            commands.forEach(out -> out.println("stop"));
            commands.forEach(PrintWriter::close);
            List<HotKeyRecords> instances = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                Process process = processes.get(i);
                if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                    throw new IllegalStateException(variant + ": instance " + i + " failed, see its output above");
                }
                instances.add(HotKeyRecords.read(files.get(i)));
            }
            return instances;
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Reads an instance's standard output to its end, so that it never blocks on a full pipe: counts down
     * its messages and passes on anything else it prints (its warnings) to standard error.
     */
    private static void follow(Process process, CountDownLatch ready, CountDownLatch warm) {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals(HotKeyInstance.READY)) {
                    ready.countDown();
                } else if (line.equals(HotKeyInstance.WARM)) {
                    warm.countDown();
                } else {
                    System.err.println(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<HotKeyRecords> instances(HotKeyVariant variant) {
        return Objects.requireNonNull(runs.get(variant));
    }

    /** Whether no run broke mutual exclusion or fencing. */
    boolean exclusive() {
        return violations.values().stream().allMatch(List::isEmpty);
    }

    double throughput(HotKeyVariant variant) {
        return instances(variant).stream()
                .mapToDouble(HotKeyRecords::completionsPerSecond)
                .sum();
    }

    /** Each instance's part of the completions, in percent. */
    List<Double> shares(HotKeyVariant variant) {
        List<HotKeyRecords> instances = instances(variant);
        double total = instances.stream().mapToInt(HotKeyRecords::completions).sum();
        return instances.stream()
                .map(instance -> 100 * instance.completions() / total)
                .toList();
    }

    /** Rows for the table of {@link BenchmarkReport}: the targets of the hot key. */
    String rows() {
        double on = throughput(HotKeyVariant.HAND_OFF_ON);
        double redisson = throughput(HotKeyVariant.REDISSON);
        double off = throughput(HotKeyVariant.HAND_OFF_OFF);
        String workload = "hot key, 3 JVMs × 8 threads, 50 µs held";
        return String.format(
                Locale.ROOT,
                "| %s: Redis provider with local hand-off vs Redisson `RLock` (holds/s) | %.0f | %.0f | %.2f× | ≥ 3× |%n"
                        + "| %s: local hand-off on vs off (holds/s) | %.0f | %.0f | %.2f× | ≥ 3× |%n"
                        + "| %s: smallest instance's share of holds, local hand-off on (%%) | %.1f | %.1f (off) | | ≥ 20 |",
                workload,
                on,
                redisson,
                on / redisson,
                workload,
                on,
                off,
                on / off,
                workload,
                smallestShare(HotKeyVariant.HAND_OFF_ON),
                smallestShare(HotKeyVariant.HAND_OFF_OFF));
    }

    private double smallestShare(HotKeyVariant variant) {
        return shares(variant).stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    /** A table per variant: throughput, each instance's share and waits, the hold time, the checks. */
    String details() {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%nHot key across instances: %d JVMs × %d threads on one key, critical section parked for 50 µs, "
                        + "%d s measured per variant, after every thread held the key once and %d s more, "
                        + "variants one after another.%n%n",
                INSTANCES,
                HotKeyInstance.THREADS,
                measured.toSeconds(),
                warmUp.toSeconds()));
        out.append("| variant | holds/s | share per instance (%) | wait p50 per instance (ms) "
                + "| wait p99 per instance (ms) | mean hold (µs) | exclusion and fencing |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (HotKeyVariant variant : HotKeyVariant.values()) {
            List<HotKeyRecords> instances = instances(variant);
            List<Percentiles> waits =
                    instances.stream().map(HotKeyRecords::waits).toList();
            List<String> broken = Objects.requireNonNull(violations.get(variant));
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %s | %s | %s | %.1f | %s |%n",
                    variant.label,
                    throughput(variant),
                    join(shares(variant), 1),
                    join(waits.stream().map(wait -> wait.p50() / 1_000).toList(), 2),
                    join(waits.stream().map(wait -> wait.p99() / 1_000).toList(), 2),
                    instances.stream()
                            .mapToDouble(HotKeyRecords::meanHoldMicros)
                            .average()
                            .orElse(0),
                    broken.isEmpty() ? "held" : broken.size() + " violations, first: " + broken.get(0)));
        }
        return out.toString();
    }

    private static String join(List<Double> values, int decimals) {
        return values.stream()
                .map(value -> String.format(Locale.ROOT, "%." + decimals + "f", value))
                .collect(Collectors.joining(" / "));
    }
}
