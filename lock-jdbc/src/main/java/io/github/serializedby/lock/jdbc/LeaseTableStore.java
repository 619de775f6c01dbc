package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.StoredLock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Locks as rows of a lease table. An exclusive lock is taken in one statement that sets the key row's
 * owner only if the row is free by the database's clock; a shared lock is a short READ COMMITTED
 * transaction that first locks the key row (so it cannot race an exclusive taker), then adds a row for
 * its holder. Every transaction locks the key row first, so they never deadlock each other. Connections
 * are borrowed per statement from the given data source and returned at once.
 */
final class LeaseTableStore implements LockStore<Long>, AutoCloseable {

    private final DataSource dataSource;
    private final Duration leaseTime;
    private final boolean createTable;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Set<TableHold> held = ConcurrentHashMap.newKeySet();
    private volatile @Nullable LeaseDialect dialect;

    LeaseTableStore(
            DataSource dataSource,
            Duration leaseTime,
            boolean createTable,
            Executor workers,
            ScheduledExecutorService timer) {
        this.dataSource = dataSource;
        this.leaseTime = leaseTime;
        this.createTable = createTable;
        this.workers = workers;
        this.timer = timer;
    }

    /** Finds the dialect and checks the tables now; a database that cannot be reached leaves it for later. */
    void prepareEagerly() {
        try {
            prepare();
        } catch (SQLException e) {
            // unreachable now: prepared before the first lock
        }
    }

    @Override
    public Long key(LockRequest request) {
        return LockIds.of(request);
    }

    @Override
    public @Nullable StoredLock tryLock(LockRequest request, Long lockId, boolean waiting) {
        String owner = UUID.randomUUID().toString();
        long sentAt = System.nanoTime();
        try {
            LeaseDialect sql = prepare();
            long[] tokens = request.mode() == LockMode.EXCLUSIVE
                    ? takeExclusive(sql, lockId, owner)
                    : takeShared(sql, lockId, owner);
            if (tokens == null) {
                return null;
            }
            TableHold hold = new TableHold(sql, lockId, owner, request.mode(), tokens[0], tokens[1], sentAt);
            held.add(hold);
            hold.scheduleRenewal();
            return hold;
        } catch (SQLException e) {
            throw DataSources.unavailable(request, e);
        }
    }

    private long @Nullable [] takeExclusive(LeaseDialect sql, long lockId, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            try {
                Long token = takeExclusive(connection, sql, lockId, owner);
                return token == null ? null : new long[] {token, token};
            } finally {
                if (!autoCommit) {
                    connection.setAutoCommit(false);
                }
            }
        }
    }

    private @Nullable Long takeExclusive(Connection connection, LeaseDialect sql, long lockId, String owner)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.takeExclusive)) {
            statement.setLong(1, lockId);
            statement.setString(2, owner);
            statement.setLong(3, leaseTime.toMillis());
            if (sql.returnsToken) {
                try (ResultSet result = statement.executeQuery()) {
                    return result.next() ? result.getLong(1) : null;
                }
            }
            try {
                statement.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                // H2: two first takers of a new key both inserted; the row exists now, so try it once more
                statement.executeUpdate();
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.readOwnToken)) {
            statement.setLong(1, lockId);
            statement.setString(2, owner);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getLong(1) : null;
            }
        }
    }

    private long @Nullable [] takeShared(LeaseDialect sql, long lockId, String owner) throws SQLException {
        return inTransaction(connection -> {
            Boolean free = lockKeyRow(connection, sql, lockId);
            if (free == null) {
                ensureKeyRow(connection, sql, lockId);
                free = lockKeyRow(connection, sql, lockId);
            }
            if (!Boolean.TRUE.equals(free)) {
                return null;
            }
            try (PreparedStatement statement = connection.prepareStatement(sql.claimShared)) {
                statement.setLong(1, TokenBlocks.SHARED);
                statement.setLong(2, leaseTime.toMillis());
                statement.setLong(3, leaseTime.toMillis());
                statement.setLong(4, lockId);
                statement.executeUpdate();
            }
            long last;
            try (PreparedStatement statement = connection.prepareStatement(sql.readToken)) {
                statement.setLong(1, lockId);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    last = result.getLong(1);
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(sql.insertShared)) {
                statement.setLong(1, lockId);
                statement.setString(2, owner);
                statement.setLong(3, leaseTime.toMillis());
                statement.executeUpdate();
            }
            return new long[] {last - TokenBlocks.SHARED + 1, last};
        });
    }

    private static void ensureKeyRow(Connection connection, LeaseDialect sql, long lockId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.ensureKeyRow)) {
            statement.setLong(1, lockId);
            statement.executeUpdate();
        } catch (SQLException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    /**
     * Locks the key row for the rest of the transaction: true when no live exclusive owner has it, false
     * when one has, null when there is no row yet.
     */
    private static @Nullable Boolean lockKeyRow(Connection connection, LeaseDialect sql, long lockId)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql.lockKeyRow)) {
            statement.setLong(1, lockId);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) == 1 : null;
            }
        }
    }

    private interface Work<T> {
        @Nullable
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a READ COMMITTED transaction, committing unless it throws or answers null. A
     * transaction the database picked as a deadlock victim (two first takers of a new key) runs again.
     */
    private <T> @Nullable T inTransaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransactionOnce(work);
            } catch (SQLException e) {
                boolean victim = "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                if (!victim || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private <T> @Nullable T inTransactionOnce(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            boolean committed = false;
            try {
                T result = work.run(connection);
                if (result != null) {
                    connection.commit();
                    committed = true;
                }
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(connection);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    connection.setTransactionIsolation(isolation);
                }
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool will find out
        }
    }

    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || "23000".equals(e.getSQLState());
    }

    private LeaseDialect prepare() throws SQLException {
        LeaseDialect known = dialect;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            known = dialect;
            if (known != null) {
                return known;
            }
            try (Connection connection = dataSource.getConnection()) {
                LeaseDialect found = LeaseDialect.of(connection);
                String schema = "schema-" + found.schemaName + ".sql";
                if (createTable) {
                    try {
                        DataSources.runSchema(connection, schema);
                    } catch (SQLException e) {
                        // another instance creating them at once: fine if they exist now
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    checkTimeColumns(
                            found,
                            schema,
                            statement,
                            "select expires_at, shared_until from serialized_by_lease where 1 = 0",
                            "serialized_by_lease");
                    checkTimeColumns(
                            found,
                            schema,
                            statement,
                            "select expires_at from serialized_by_lease_shared where 1 = 0",
                            "serialized_by_lease_shared");
                } catch (SQLException e) {
                    if (!connection.isValid(2)) {
                        throw e;
                    }
                    throw new IllegalStateException(
                            "Lease tables serialized_by_lease and serialized_by_lease_shared are missing: run classpath:"
                                    + DataSources.SCHEMA_LOCATION + schema + ", or create them with createTable(true)",
                            e);
                }
                dialect = found;
                return found;
            }
        }
    }

    /**
     * Refuses time columns of another type than the schema file's: a {@code TIMESTAMP} without time zone
     * (or MariaDB's {@code TIMESTAMP}, converted through the session's zone) would make leases written by
     * a session in one zone look expired, or live for hours, to a session in another.
     */
    private static void checkTimeColumns(
            LeaseDialect sql, String schema, Statement statement, String query, String table) throws SQLException {
        try (ResultSet empty = statement.executeQuery(query)) {
            ResultSetMetaData columns = empty.getMetaData();
            for (int i = 1; i <= columns.getColumnCount(); i++) {
                String type = columns.getColumnTypeName(i);
                if (!sql.timeType.equalsIgnoreCase(type)) {
                    throw new IllegalStateException(
                            "Column " + table + "." + columns.getColumnName(i).toLowerCase(Locale.ROOT)
                                    + " has type " + type + ", but the lease table needs " + sql.timeType
                                    + ", whose times do not depend on the session's time zone: create it as in classpath:"
                                    + DataSources.SCHEMA_LOCATION + schema);
                }
            }
        }
    }

    int heldCount() {
        return held.size();
    }

    /** Stops renewing; the rows of leases still held expire by themselves. */
    @Override
    public void close() {
        for (TableHold hold : List.copyOf(held)) {
            hold.lose();
        }
    }

    private final class TableHold implements StoredLock {

        private final LeaseDialect sql;
        private final long lockId;
        private final String owner;
        private final LockMode mode;
        private final long token;
        private final long lastToken;
        private volatile long validUntil;
        private volatile boolean lost;
        private volatile @Nullable Runnable onLost;
        private volatile @Nullable ScheduledFuture<?> renewal;

        TableHold(LeaseDialect sql, long lockId, String owner, LockMode mode, long token, long lastToken, long sentAt) {
            this.sql = sql;
            this.lockId = lockId;
            this.owner = owner;
            this.mode = mode;
            this.token = token;
            this.lastToken = lastToken;
            this.validUntil = sentAt + leaseTime.toNanos();
        }

        void scheduleRenewal() {
            long period = Math.max(1, leaseTime.toNanos() / 3);
            try {
                renewal = timer.scheduleWithFixedDelay(
                        () -> workers.execute(this::renew), period, period, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                lose();
            }
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public long lastToken() {
            return lastToken;
        }

        /** Valid until the lease would expire by this JVM's clock, counted from before the last renewal. */
        @Override
        public boolean isValid() {
            return !lost && System.nanoTime() - validUntil < 0;
        }

        @Override
        public void onLost(Runnable callback) {
            this.onLost = callback;
        }

        private void renew() {
            if (!held.contains(this)) {
                return;
            }
            long sentAt = System.nanoTime();
            boolean renewed;
            try {
                renewed = mode == LockMode.EXCLUSIVE ? renewExclusive() : renewShared();
            } catch (SQLException | RuntimeException e) {
                if (System.nanoTime() - validUntil >= 0) {
                    lose();
                }
                return;
            }
            if (renewed) {
                validUntil = sentAt + leaseTime.toNanos();
            } else {
                lose();
            }
        }

        private boolean renewExclusive() throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql.renewExclusive)) {
                statement.setLong(1, leaseTime.toMillis());
                statement.setLong(2, lockId);
                statement.setString(3, owner);
                boolean renewed = statement.executeUpdate() == 1;
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                return renewed;
            }
        }

        private boolean renewShared() throws SQLException {
            Boolean renewed = inTransaction(connection -> {
                lockKeyRow(connection, sql, lockId);
                try (PreparedStatement statement = connection.prepareStatement(sql.renewShared)) {
                    statement.setLong(1, leaseTime.toMillis());
                    statement.setLong(2, lockId);
                    statement.setString(3, owner);
                    if (statement.executeUpdate() != 1) {
                        return null;
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(sql.extendSharedUntil)) {
                    statement.setLong(1, leaseTime.toMillis());
                    statement.setLong(2, leaseTime.toMillis());
                    statement.setLong(3, lockId);
                    statement.executeUpdate();
                }
                return Boolean.TRUE;
            });
            return renewed != null;
        }

        /** The lease expired or its row went to someone else: stop renewing and tell the listener. */
        void lose() {
            if (!held.remove(this)) {
                return;
            }
            lost = true;
            cancelRenewal();
            Runnable callback = onLost;
            if (callback != null) {
                callback.run();
            }
        }

        private void cancelRenewal() {
            ScheduledFuture<?> scheduled = renewal;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        /** Deletes the lease by owner; if that fails the row simply expires. */
        @Override
        public void release() {
            if (!held.remove(this)) {
                return;
            }
            cancelRenewal();
            try {
                if (mode == LockMode.EXCLUSIVE) {
                    releaseExclusive();
                } else {
                    releaseShared();
                }
            } catch (SQLException | RuntimeException e) {
                // the row expires at the end of its lease
            }
        }

        private void releaseExclusive() throws SQLException {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sql.releaseExclusive)) {
                statement.setLong(1, lockId);
                statement.setString(2, owner);
                statement.executeUpdate();
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
            }
        }

        private void releaseShared() throws SQLException {
            inTransaction(connection -> {
                lockKeyRow(connection, sql, lockId);
                try (PreparedStatement statement = connection.prepareStatement(sql.deleteShared)) {
                    statement.setLong(1, lockId);
                    statement.setString(2, owner);
                    statement.executeUpdate();
                }
                try (PreparedStatement statement = connection.prepareStatement(sql.recomputeSharedUntil)) {
                    statement.setLong(1, lockId);
                    statement.setLong(2, lockId);
                    statement.executeUpdate();
                }
                return Boolean.TRUE;
            });
        }
    }
}
