package io.github.serializedby.harness;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.fence.JdbcLockFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shared counters and the history of the writes to them, in PostgreSQL. Each increment is one
 * transaction that reads the counter, writes it back plus one, and records the attempt, so the history
 * holds exactly the writes the database accepted. With {@link Guard#FENCE} the transaction begins with
 * {@link JdbcLockFence#admit}, which keeps the token in the counter's own row ({@code fence_token}); with
 * {@link Guard#WRITE_ONLY} (the control) only the {@code UPDATE} compares the token with the last one
 * written.
 */
final class CounterTable {

    static final String TABLE = "harness_fenced_counter";

    private final String runId;
    private final Guard guard;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final LockFence fence;

    CounterTable(DataSource dataSource, String runId, Guard guard) {
        this.runId = runId;
        this.guard = guard;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.fence = JdbcLockFence.builder(dataSource)
                .column(Worker.LOCK_NAME, TABLE, "id", "fence_token", key -> id(runId, key))
                .build();
    }

    /** Creates the tables if missing. */
    static void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists " + TABLE + " (id text primary key, run_id text not null,"
                    + " key text not null, value bigint not null, last_token bigint not null, fence_token bigint,"
                    + " writes bigint not null)");
            statement.execute("create index if not exists " + TABLE + "_run on " + TABLE + " (run_id)");
            statement.execute("create table if not exists harness_history (id bigserial primary key,"
                    + " run_id text not null, worker int not null, pid bigint not null, thread int not null,"
                    + " key text not null, token bigint not null, acquired_us bigint not null, released_us bigint,"
                    + " lease_valid boolean not null, accepted boolean not null, seq bigint)");
            statement.execute("create index if not exists harness_history_run on harness_history (run_id)");
        }
    }

    /** Puts a counter at zero, with no token, for each of the run's keys. */
    static void initialise(Connection connection, String runId, int keys) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into " + TABLE + " (id, run_id, key, value, last_token, writes) values (?, ?, ?, 0, 0, 0)")) {
            for (int i = 0; i < keys; i++) {
                insert.setString(1, id(runId, key(i)));
                insert.setString(2, runId);
                insert.setString(3, key(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The name of key number {@code index}. */
    static String key(int index) {
        return "k" + index;
    }

    /**
     * Adds one to the counter of {@code key} under {@code lease}, telling {@code at} when it has read and
     * when it has written but not committed; returns the history row's id. A write the guard refuses
     * leaves the counter as it was and is recorded as rejected.
     */
    long increment(String key, Lease lease, HistoryEntry entry, Consumer<Pause> at) {
        try {
            Long id = transactions.execute(status -> {
                if (guard == Guard.FENCE) {
                    fence.admit(lease);
                }
                long value = Objects.requireNonNull(jdbc.queryForObject(
                        "select value from " + TABLE + " where id = ?", Long.class, id(runId, key)));
                at.accept(Pause.READ);
                OptionalLong seq = write(key, value + 1, lease.fencingToken());
                long history = insertHistory(key, lease, entry, seq);
                at.accept(Pause.COMMIT);
                return history;
            });
            return Objects.requireNonNull(id);
        } catch (StaleFencingTokenException refused) {
            return insertHistory(key, lease, entry, OptionalLong.empty());
        }
    }

    /** Sets the release time of history row {@code id}. */
    void released(long id, long releasedMicros) {
        jdbc.update("update harness_history set released_us = ? where id = ?", releasedMicros, id);
    }

    /** The write's position among the key's accepted writes, or empty when the write-only guard refused it. */
    private OptionalLong write(String key, long value, long token) {
        String update = "update " + TABLE + " set value = ?, last_token = ?, writes = writes + 1 where id = ?";
        Long seq = guard == Guard.WRITE_ONLY
                ? jdbc.query(
                        update + " and last_token < ? returning writes",
                        CounterTable::first,
                        value,
                        token,
                        id(runId, key),
                        token)
                : jdbc.query(update + " returning writes", CounterTable::first, value, token, id(runId, key));
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    private long insertHistory(String key, Lease lease, HistoryEntry entry, OptionalLong seq) {
        return Objects.requireNonNull(jdbc.queryForObject(
                "insert into harness_history"
                        + " (run_id, worker, pid, thread, key, token, acquired_us, lease_valid, accepted, seq)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                Long.class,
                runId,
                entry.worker(),
                ProcessHandle.current().pid(),
                entry.thread(),
                key,
                lease.fencingToken(),
                entry.acquiredMicros(),
                lease.isValid(),
                seq.isPresent(),
                new SqlParameterValue(Types.BIGINT, seq.isPresent() ? seq.getAsLong() : null)));
    }

    private static @Nullable Long first(ResultSet rows) throws SQLException {
        return rows.next() ? rows.getLong(1) : null;
    }

    /** The counter row's id, which is also the fence's id for the lock key. */
    private static String id(String runId, String key) {
        return runId + "/" + key;
    }

    /** Who wrote, and when it got the lock. */
    record HistoryEntry(int worker, int thread, long acquiredMicros) {}
}
