package io.github.serializedby.benchmarks;

import ch.qos.logback.classic.Level;
import io.github.serializedby.benchmarks.HotKeyVariant.Held;
import io.github.serializedby.benchmarks.HotKeyVariant.HotKey;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application instance of {@link HotKeyAcrossInstances}, run as a child process: its threads take the
 * hot key in a loop, hold it for the critical section and release it, and record every hold.
 *
 * <p>It tells its parent on standard output when it is connected ({@value #READY}) and when each of its
 * threads has held the key once ({@value #WARM}). Commands arrive on standard input, one a line: {@code
 * go} starts the threads, {@code measure} opens
 * the measured window, {@code stop} closes it; the threads then finish their current hold and the
 * instance writes its holds, in the order they held the key in this JVM, to the file named by its third
 * argument (see {@link HotKeyRecords}).
 *
 * <p>Invariant checked here: at most one thread of this JVM is between its acquisition and its release.
 */
final class HotKeyInstance {

    static final String READY = "hot-key instance ready";
    static final String WARM = "hot-key instance warm";
    static final int THREADS = 8;

    /**
     * The critical section, parked rather than spun: with 24 threads on two cores a spinning holder would
     * take a core from Redis and from the other instances' I/O threads for as long as the key is held, and
     * the variant that keeps the key held the longest would pay the most for it.
     */
    static final long CRITICAL_SECTION_NANOS = 50_000;

    private final HotKey key;
    private final AtomicInteger holders = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicLong order = new AtomicLong();
    private final AtomicInteger threadsThatHeld = new AtomicInteger();
    private volatile boolean stopped;

    private HotKeyInstance(HotKey key) {
        this.key = key;
    }

    /** Arguments: variant, key, records file. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        HotKeyVariant variant = HotKeyVariant.valueOf(args[0]);
        try (HotKey key = variant.open(args[1])) {
            new HotKeyInstance(key).run(Path.of(args[2]));
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private void run(Path records) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println(READY);
        System.out.flush();
        await(commands, "go");
        List<Recorder> recorders = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            Thread thread = new Thread(recorder, "hot-key-" + i);
            threads.add(thread);
            thread.start();
        }
        await(commands, "measure");
        long windowStart = System.nanoTime();
        await(commands, "stop");
        long windowEnd = System.nanoTime();
        stopped = true;
        for (Thread thread : threads) {
            thread.join();
        }
        for (Recorder recorder : recorders) {
            Throwable failure = recorder.failure;
            if (failure != null) {
                throw new IllegalStateException("a thread failed", failure);
            }
        }
        write(records, windowStart, windowEnd, recorders);
    }

    private static void await(BufferedReader commands, String expected) throws IOException {
        String line = commands.readLine();
        if (!expected.equals(line)) {
            throw new IllegalStateException("expected " + expected + ", got " + line);
        }
    }

    private void write(Path file, long windowStart, long windowEnd, List<Recorder> recorders) throws IOException {
        List<long[]> holds = new ArrayList<>();
        for (Recorder recorder : recorders) {
            for (int i = 0; i < recorder.size; i++) {
                holds.add(Arrays.copyOfRange(recorder.holds, i * Recorder.FIELDS, (i + 1) * Recorder.FIELDS));
            }
        }
        holds.sort(Comparator.comparingLong(hold -> hold[0]));
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeLong(windowStart);
            out.writeLong(windowEnd);
            out.writeInt(overlaps.get());
            out.writeInt(holds.size());
            for (long[] hold : holds) {
                for (int i = 1; i < Recorder.FIELDS; i++) {
                    out.writeLong(hold[i]);
                }
            }
        }
    }

    /**
     * One thread's loop and its holds, flat: order in this JVM, asked at, acquired at, releasing at
     * ({@link System#nanoTime()}), fencing token.
     */
    private final class Recorder implements Runnable {

        static final int FIELDS = 5;

        long[] holds = new long[FIELDS * 4096];
        int size;
        volatile @Nullable Throwable failure;

        @Override
        public void run() {
            try {
                while (!stopped) {
                    long asked = System.nanoTime();
                    Held held = key.take();
                    long acquired = System.nanoTime();
                    if (holders.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    long position = order.getAndIncrement();
                    LockSupport.parkNanos(CRITICAL_SECTION_NANOS);
                    holders.decrementAndGet();
                    long releasing = System.nanoTime();
                    held.release().run();
                    add(position, asked, acquired, releasing, held.token());
                    if (size == 1 && threadsThatHeld.incrementAndGet() == THREADS) {
                        System.out.println(WARM);
                        System.out.flush();
                    }
                }
            } catch (Throwable e) {
                failure = e;
                stopped = true;
            }
        }

        private void add(long... hold) {
            if ((size + 1) * FIELDS > holds.length) {
                holds = Arrays.copyOf(holds, holds.length * 2);
            }
            System.arraycopy(hold, 0, holds, size * FIELDS, FIELDS);
            size++;
        }
    }
}
