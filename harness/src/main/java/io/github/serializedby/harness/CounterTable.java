package io.github.serializedby.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * The shared counters and the history of the writes to them, in PostgreSQL. A write is fenced: it sets
 * the counter only when its token is higher than the last one written and not below the highest token
 * that read the counter, and it commits together with its history row, so the history holds exactly the
 * writes the database accepted.
 *
 * <p>Reads take part in the fence ({@code seen_token}) because fencing writes alone loses an update: a
 * holder paused between its UPDATE and its COMMIT keeps the row locked; the next holder reads the old
 * value, waits for the row, and its higher token passes the guard once the paused write commits.
 */
final class CounterTable {

    private final Connection connection;
    private final String runId;

    CounterTable(Connection connection, String runId) {
        this.connection = connection;
        this.runId = runId;
    }

    /** Creates the tables if missing. */
    static void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists harness_counter (run_id text not null, key text not null,"
                    + " value bigint not null, last_token bigint not null, seen_token bigint not null,"
                    + " writes bigint not null,"
                    + " primary key (run_id, key))");
            statement.execute("create table if not exists harness_history (id bigserial primary key,"
                    + " run_id text not null, worker int not null, pid bigint not null, thread int not null,"
                    + " key text not null, token bigint not null, acquired_us bigint not null, released_us bigint,"
                    + " lease_valid boolean not null, accepted boolean not null, seq bigint)");
            statement.execute("create index if not exists harness_history_run on harness_history (run_id)");
        }
    }

    /** Puts a counter at zero for each of the run's keys. */
    void initialise(int keys) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into harness_counter (run_id, key, value, last_token, seen_token, writes)"
                        + " values (?, ?, 0, 0, 0, 0)")) {
            for (int i = 0; i < keys; i++) {
                insert.setString(1, runId);
                insert.setString(2, key(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The name of key number {@code index}. */
    static String key(int index) {
        return "k" + index;
    }

    /** The counter's value now; from now on writes with a token below {@code token} are rejected. */
    long read(String key, long token) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("update harness_counter"
                + " set seen_token = greatest(seen_token, ?) where run_id = ? and key = ? returning value")) {
            select.setLong(1, token);
            select.setString(2, runId);
            select.setString(3, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("No counter for key " + key + " of run " + runId);
                }
                return row.getLong(1);
            }
        }
    }

    /**
     * Writes {@code value} if {@code token} is higher than the last token written, and records the attempt
     * in the same transaction. Returns the history row's id.
     */
    long fencedWrite(String key, long value, long token, HistoryEntry entry) throws SQLException {
        connection.setAutoCommit(false);
        try {
            OptionalLong seq = guardedUpdate(key, value, token);
            long id = insertHistory(key, token, entry, seq);
            connection.commit();
            return id;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Sets the release time of history row {@code id}. */
    void released(long id, long releasedMicros) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update harness_history set released_us = ? where id = ?")) {
            update.setLong(1, releasedMicros);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    /** The write's position among the key's accepted writes, or empty when the fence rejected it. */
    private OptionalLong guardedUpdate(String key, long value, long token) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("update harness_counter"
                + " set value = ?, last_token = ?, writes = writes + 1"
                + " where run_id = ? and key = ? and last_token < ? and seen_token <= ? returning writes")) {
            update.setLong(1, value);
            update.setLong(2, token);
            update.setString(3, runId);
            update.setString(4, key);
            update.setLong(5, token);
            update.setLong(6, token);
            try (ResultSet row = update.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    private long insertHistory(String key, long token, HistoryEntry entry, OptionalLong seq) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into harness_history"
                + " (run_id, worker, pid, thread, key, token, acquired_us, lease_valid, accepted, seq)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id")) {
            insert.setString(1, runId);
            insert.setInt(2, entry.worker());
            insert.setLong(3, ProcessHandle.current().pid());
            insert.setInt(4, entry.thread());
            insert.setString(5, key);
            insert.setLong(6, token);
            insert.setLong(7, entry.acquiredMicros());
            insert.setBoolean(8, entry.leaseValid());
            insert.setBoolean(9, seq.isPresent());
            if (seq.isPresent()) {
                insert.setLong(10, seq.getAsLong());
            } else {
                insert.setNull(10, java.sql.Types.BIGINT);
            }
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Who wrote, when it got the lock, and whether its lease was still valid when it wrote. */
    record HistoryEntry(int worker, int thread, long acquiredMicros, boolean leaseValid) {}
}
