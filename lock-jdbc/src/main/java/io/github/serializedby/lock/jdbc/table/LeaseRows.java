package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.jdbc.TokenBlocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The statements on the lease tables. An exclusive lock is taken in one statement that sets the key row's
 * owner only if the row is free by the database's clock; a shared lock is a short READ COMMITTED
 * transaction that first locks the key row (so it cannot race an exclusive taker), then adds a row for
 * its holder. Every transaction locks the key row first, so they never deadlock each other. Connections
 * are borrowed per statement from the given data source and returned at once.
 */
final class LeaseRows {

    private final DataSource dataSource;
    private final Duration leaseTime;

    LeaseRows(DataSource dataSource, Duration leaseTime) {
        this.dataSource = dataSource;
        this.leaseTime = leaseTime;
    }

    Duration leaseTime() {
        return leaseTime;
    }

    /** Takes the key row for {@code owner}: its fencing token twice, or null while another owner holds it. */
    long @Nullable [] takeExclusive(LeaseDialect sql, long lockId, String owner) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            try {
                Long token = takeExclusiveRetrying(connection, sql, lockId, owner);
                return token == null ? null : new long[] {token, token};
            } finally {
                if (!autoCommit) {
                    connection.setAutoCommit(false);
                }
            }
        }
    }

    /**
     * MariaDB may pick the statement as a deadlock victim when a shared taker creates the same new key row
     * at once; the statement was rolled back, so it runs again.
     */
    private @Nullable Long takeExclusiveRetrying(Connection connection, LeaseDialect sql, long lockId, String owner)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return takeExclusive(connection, sql, lockId, owner);
            } catch (SQLException e) {
                if (!isDeadlockVictim(e) || attempt == 3) {
                    throw e;
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

    /** Adds a shared holder row: the first and last token of its block, or null while an exclusive owner holds the key. */
    long @Nullable [] takeShared(LeaseDialect sql, long lockId, String owner) throws SQLException {
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

    /** Whether the key row was still {@code owner}'s and now lives a lease time longer. */
    boolean renewExclusive(LeaseDialect sql, long lockId, String owner) throws SQLException {
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

    /**
     * Whether the holder row was still there and now lives, with the key's shared mark, a lease time longer.
     * Not when an exclusive owner holds the key: it took the key once the shared mark had passed, which may
     * come just before the holder row's own end.
     */
    boolean renewShared(LeaseDialect sql, long lockId, String owner) throws SQLException {
        Boolean renewed = inTransaction(connection -> {
            if (!Boolean.TRUE.equals(lockKeyRow(connection, sql, lockId))) {
                return null;
            }
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

    void releaseExclusive(LeaseDialect sql, long lockId, String owner) throws SQLException {
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

    void releaseShared(LeaseDialect sql, long lockId, String owner) throws SQLException {
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
                if (!isDeadlockVictim(e) || attempt == 3) {
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

    private static boolean isDeadlockVictim(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || "23000".equals(e.getSQLState());
    }
}
