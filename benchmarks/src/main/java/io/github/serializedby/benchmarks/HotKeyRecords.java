package io.github.serializedby.benchmarks;

import io.github.serializedby.benchmarks.HandoffLatency.Percentiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The holds one {@link HotKeyInstance} recorded, in the order it held the key, and the checks of mutual
 * exclusion over the holds of all instances.
 *
 * <p>Times are {@link System#nanoTime()} of each instance; on Linux that is the system's monotonic clock,
 * the same in every process, which lets holds of different instances be put in one order.
 */
record HotKeyRecords(
        long windowStart,
        long windowEnd,
        int localOverlaps,
        long[] asked,
        long[] acquired,
        long[] releasing,
        long[] tokens) {

    static HotKeyRecords read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            long windowStart = in.readLong();
            long windowEnd = in.readLong();
            int overlaps = in.readInt();
            int size = in.readInt();
            long[] asked = new long[size];
            long[] acquired = new long[size];
            long[] releasing = new long[size];
            long[] tokens = new long[size];
            for (int i = 0; i < size; i++) {
                asked[i] = in.readLong();
                acquired[i] = in.readLong();
                releasing[i] = in.readLong();
                tokens[i] = in.readLong();
            }
            return new HotKeyRecords(windowStart, windowEnd, overlaps, asked, acquired, releasing, tokens);
        }
    }

    /** Holds released within the measured window. */
    int completions() {
        int count = 0;
        for (long released : releasing) {
            if (inWindow(released)) {
                count++;
            }
        }
        return count;
    }

    double completionsPerSecond() {
        return completions() * 1e9 / (windowEnd - windowStart);
    }

    /** Time from asking for the key to holding it, over the holds released within the window. */
    Percentiles waits() {
        long[] waits = measured(asked, acquired);
        return waits.length == 0 ? new Percentiles(Double.NaN, Double.NaN, Double.NaN) : Percentiles.of(waits);
    }

    /** Mean time a hold lasted, in microseconds: what the parked critical section came to. */
    double meanHoldMicros() {
        long[] held = measured(acquired, releasing);
        return Arrays.stream(held).average().orElse(0) / 1_000;
    }

    /** {@code to[i] - from[i]} of the holds released within the window. */
    private long[] measured(long[] from, long[] to) {
        long[] nanos = new long[completions()];
        int next = 0;
        for (int i = 0; i < releasing.length; i++) {
            if (inWindow(releasing[i])) {
                nanos[next++] = to[i] - from[i];
            }
        }
        return nanos;
    }

    private boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    /**
     * What breaks mutual exclusion or fencing, empty when nothing does: two holders of one JVM at once; two
     * holds of any instances overlapping in time; and, where the lock has fencing tokens, a token not
     * greater than the one of the hold before it, in one JVM and across all of them.
     */
    static List<String> violations(List<HotKeyRecords> instances) {
        List<String> found = new ArrayList<>();
        List<long[]> all = new ArrayList<>();
        for (int instance = 0; instance < instances.size(); instance++) {
            HotKeyRecords records = instances.get(instance);
            if (records.localOverlaps > 0) {
                found.add(String.format(
                        Locale.ROOT,
                        "instance %d: %d holds began while another was held",
                        instance,
                        records.localOverlaps));
            }
            for (int i = 0; i < records.tokens.length; i++) {
                if (i > 0 && records.tokens[i] >= 0 && records.tokens[i] <= records.tokens[i - 1]) {
                    found.add(String.format(
                            Locale.ROOT,
                            "instance %d: token %d after %d",
                            instance,
                            records.tokens[i],
                            records.tokens[i - 1]));
                }
                all.add(new long[] {records.acquired[i], records.releasing[i], records.tokens[i], instance});
            }
        }
        all.sort(Comparator.comparingLong(hold -> hold[0]));
        for (int i = 1; i < all.size(); i++) {
            long[] before = all.get(i - 1);
            long[] hold = all.get(i);
            if (hold[0] < before[1]) {
                found.add(String.format(
                        Locale.ROOT,
                        "instance %d acquired %d ns before instance %d released",
                        hold[3],
                        before[1] - hold[0],
                        before[3]));
            }
            if (hold[2] >= 0 && hold[2] <= before[2]) {
                found.add(String.format(
                        Locale.ROOT,
                        "token %d of instance %d after %d of instance %d",
                        hold[2],
                        hold[3],
                        before[2],
                        before[3]));
            }
        }
        return found;
    }
}
