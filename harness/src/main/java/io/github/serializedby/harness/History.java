package io.github.serializedby.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A run's history as the database recorded it, and the checks on it. Every accepted write committed with
 * its history row, so the history is exact even for a worker killed mid-way.
 */
final class History {

    private final List<Write> writes;
    private final Map<String, Long> finalValues;

    private History(List<Write> writes, Map<String, Long> finalValues) {
        this.writes = writes;
        this.finalValues = finalValues;
    }

    static History load(Connection connection, String runId) throws SQLException {
        List<Write> writes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("select key, token, acquired_us, released_us,"
                + " accepted, seq, lease_valid from harness_history where run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    long released = row.getLong(4);
                    OptionalLong releasedAt = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(released);
                    writes.add(new Write(
                            row.getString(1),
                            row.getLong(2),
                            row.getLong(3),
                            releasedAt,
                            row.getBoolean(5),
                            row.getLong(6),
                            row.getBoolean(7)));
                }
            }
        }
        Map<String, Long> finalValues = new HashMap<>();
        try (PreparedStatement select =
                connection.prepareStatement("select key, value from " + CounterTable.TABLE + " where run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    finalValues.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return new History(writes, finalValues);
    }

    /** Writes attempted under a lease. */
    long operations() {
        return writes.size();
    }

    /** Writes the guard refused: a newer token had been admitted (or, for the control, written) before. */
    long rejected() {
        return writes.stream().filter(write -> !write.accepted()).count();
    }

    /** Per key, how far the final counter falls short of (or exceeds) the number of accepted increments. */
    long lostUpdates() {
        Map<String, Long> accepted = writes.stream()
                .filter(Write::accepted)
                .collect(Collectors.groupingBy(Write::key, Collectors.counting()));
        long lost = 0;
        for (Map.Entry<String, Long> counter : finalValues.entrySet()) {
            lost += Math.abs(accepted.getOrDefault(counter.getKey(), 0L) - counter.getValue());
        }
        return lost;
    }

    /** Holds of one key that overlap an earlier hold of it (between acquisition and release). */
    long overlaps() {
        long overlaps = 0;
        for (List<Write> ofKey : byKey().values()) {
            long latestRelease = Long.MIN_VALUE;
            for (Write write : sorted(ofKey, Comparator.comparingLong(Write::acquiredMicros))) {
                if (write.acquiredMicros() < latestRelease) {
                    overlaps++;
                }
                if (write.releasedMicros().isPresent()) {
                    latestRelease =
                            Math.max(latestRelease, write.releasedMicros().getAsLong());
                }
            }
        }
        return overlaps;
    }

    /** Whether another hold of {@code key} overlaps the one with {@code token}. */
    boolean overlapsWith(String key, long token) {
        Optional<Write> hold = write(key, token);
        if (hold.isEmpty()) {
            return false;
        }
        long from = hold.get().acquiredMicros();
        long to = hold.get().releasedMicros().orElse(Long.MAX_VALUE);
        return writes.stream()
                .filter(other -> other.key().equals(key) && other.token() != token)
                .anyMatch(other ->
                        other.acquiredMicros() < to && other.releasedMicros().orElse(Long.MAX_VALUE) > from);
    }

    /** Accepted writes, in the database's commit order per key, whose token is not above the one before. */
    long tokenOrderViolations() {
        long violations = 0;
        for (List<Write> ofKey : byKey().values()) {
            long previous = Long.MIN_VALUE;
            for (Write write : sorted(ofKey, Comparator.comparingLong(Write::seq))) {
                if (write.accepted()) {
                    if (write.token() <= previous) {
                        violations++;
                    }
                    previous = write.token();
                }
            }
        }
        return violations;
    }

    /** The write made under the lease of {@code key} with {@code token}, if it reached the database. */
    Optional<Write> write(String key, long token) {
        return writes.stream()
                .filter(write -> write.key().equals(key) && write.token() == token)
                .findFirst();
    }

    /** The earliest acquisition after {@code sinceMicros} of a lock on {@code key} with a higher token. */
    OptionalLong firstAcquisitionAfter(String key, long token, long sinceMicros) {
        return writes.stream()
                .filter(write -> write.key().equals(key) && write.token() > token)
                .mapToLong(Write::acquiredMicros)
                .filter(acquired -> acquired >= sinceMicros)
                .min();
    }

    /** The earliest acquisition of any lock after {@code sinceMicros}. */
    OptionalLong firstAcquisitionAfter(long sinceMicros) {
        return writes.stream()
                .mapToLong(Write::acquiredMicros)
                .filter(acquired -> acquired >= sinceMicros)
                .min();
    }

    private Map<String, List<Write>> byKey() {
        return writes.stream().collect(Collectors.groupingBy(Write::key));
    }

    private static List<Write> sorted(List<Write> writes, Comparator<Write> order) {
        List<Write> copy = new ArrayList<>(writes);
        copy.sort(order);
        return copy;
    }

    /** One write attempt; {@code seq} is its position among the key's accepted writes (0 if rejected). */
    record Write(
            String key,
            long token,
            long acquiredMicros,
            OptionalLong releasedMicros,
            boolean accepted,
            long seq,
            boolean leaseValid) {}
}
