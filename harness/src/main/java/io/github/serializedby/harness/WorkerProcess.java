package io.github.serializedby.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A worker JVM started with this JVM's java binary and class path. Its stdout lines are collected; its
 * stderr goes to a log file.
 */
final class WorkerProcess {

    private final Process process;
    private final BlockingQueue<String> holding = new LinkedBlockingQueue<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private WorkerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLines, "stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static WorkerProcess start(WorkerConfig config, Path logDirectory) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Worker.class.getName());
        command.addAll(config.toArgs());
        Path log = logDirectory.resolve(config.runId() + "-worker-" + config.worker() + ".log");
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WorkerProcess(process);
    }

    long pid() {
        return process.pid();
    }

    /** The next {@code HOLDING key token} line, or null when none came within {@code timeout}. */
    @Nullable
    String awaitHolding(Duration timeout) throws InterruptedException {
        return holding.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the worker completed its first operation within {@code timeout}. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the worker's first thread to signal and keep its next lock. */
    void requestHold() {
        tell("HOLD");
    }

    /** Asks the worker to finish its operations under way and end. */
    void stop() {
        tell("STOP");
    }

    private void tell(String command) {
        try {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            // the worker is gone (killed by a fault): nothing to tell
        }
    }

    /** {@code kill -9}. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to end, killing it past {@code timeout}; true when it ended by itself. */
    boolean await(Duration timeout) throws InterruptedException {
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        reader.join(1_000);
        return ended;
    }

    /** The number in {@code name=N} of the worker's DONE line, or 0 when it never got there. */
    synchronized long reported(String name) {
        for (String line : lines) {
            if (line.startsWith("DONE ")) {
                for (String field : line.substring(5).split(" ")) {
                    if (field.startsWith(name + "=")) {
                        return Long.parseLong(field.substring(name.length() + 1));
                    }
                }
            }
        }
        return 0;
    }

    /** Tokens whose loss the worker's listener heard. */
    synchronized List<Long> lostTokens() {
        return lines.stream()
                .filter(line -> line.startsWith("LOST "))
                .map(line -> Long.parseLong(line.substring(5).trim()))
                .toList();
    }

    private void readLines() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("HOLDING ")) {
                    holding.add(line);
                } else if (line.equals("READY")) {
                    ready.countDown();
                }
                synchronized (this) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process died; what it said so far is kept
        }
    }
}
