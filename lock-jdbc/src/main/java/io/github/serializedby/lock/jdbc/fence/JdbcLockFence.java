package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.DataSources;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@link LockFence} in a relational database (PostgreSQL, MariaDB/MySQL, H2), run on the connection of
 * the caller's Spring transaction: plain JDBC ({@code DataSourceTransactionManager}) or JPA ({@code
 * JpaTransactionManager}, which shares the DataSource's connection). Call it first in the transaction,
 * before the protected data is read.
 *
 * <p>One statement checks and raises the resource's stored token: a stored token not newer than the
 * lease's passes, is raised to it and keeps the row locked until the transaction ends, so a stale holder
 * arriving later waits for that end and is then refused; a newer one throws {@link
 * StaleFencingTokenException}, and the transaction must roll back. Only a refusal, a first insert on
 * MariaDB, or an equal token on MariaDB reads the row back ({@code SELECT ... FOR UPDATE}).
 *
 * <p><b>Where tokens live.</b> By default a fence table ({@code serialized_by_fence}, from {@code
 * schema-fence-<database>.sql} next to the lock providers' schema files): one row per lock name and key
 * ever fenced, keyed by the same 64-bit hash the providers use (two resources share a row only by a
 * 64-bit collision, which can refuse but never admit a stale holder). Rows are bounded by the number of
 * resources. Deleting rows not touched for a long time is not safe: a holder paused longer than that
 * would find no row and be admitted. A lock name may instead keep its tokens in a column of the
 * resource's own row ({@link Builder#column}), whose id is the lock key; that row must exist.
 *
 * <p>Outside a transaction, or in one that holds no connection of this fence's DataSource (a transaction
 * of another DataSource or transaction manager), or on a connection in auto-commit mode, it throws {@link
 * IllegalStateException}: the guard's token and row lock would not be part of the caller's transaction.
 * Shared leases are readers
 * and are refused with {@link IllegalArgumentException}: raising a token would serialize them.
 */
public final class JdbcLockFence implements LockFence {

    /** The fence table's name unless {@link Builder#tableName} says otherwise. */
    public static final String DEFAULT_TABLE = "serialized_by_fence";

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final FenceTarget.Table table;
    private final Map<String, FenceTarget> columns;
    private volatile @Nullable FenceDialect dialect;

    private JdbcLockFence(Builder builder) {
        this.dataSource = DataSources.unwrap(builder.dataSource);
        this.jdbc = new JdbcTemplate(dataSource);
        this.table = new FenceTarget.Table(builder.tableName);
        this.columns = Map.copyOf(builder.columns);
        if (builder.createTable) {
            createTable();
        }
    }

    /** A fence on {@code dataSource} with a fence table named {@value #DEFAULT_TABLE}, which must exist. */
    public static JdbcLockFence create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /** Starts configuring a fence on {@code dataSource}, the one the caller's transactions use. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * @throws StaleFencingTokenException when the resource already admitted a newer token
     * @throws IllegalStateException outside a transaction on this fence's DataSource, or when the
     *     resource's own row is missing
     * @throws IllegalArgumentException for a shared lease
     */
    @Override
    public void admit(Lease lease) {
        LockRequest request = lease.request();
        if (request.mode() != LockMode.EXCLUSIVE) {
            throw new IllegalArgumentException(
                    "Lock '" + request.name() + "' is shared: a fence admits writers, which hold exclusive leases");
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("The fence for lock '" + request.name()
                    + "' runs inside the transaction that reads and writes the data, and none is active");
        }
        if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)
                || holder.getConnectionHandle() == null) {
            // a connection fetched now would be a new one, released (and on an auto-commit-off pool rolled
            // back) when the transaction ends, so the token would never be stored
            throw notThisDataSourcesTransaction(request, "holds no connection of it");
        }
        FenceTarget target = columns.getOrDefault(request.name(), table);
        long token = lease.fencingToken();
        try {
            jdbc.execute((ConnectionCallback<@Nullable Void>) connection -> {
                guard(connection, target, request, token);
                return null;
            });
        } catch (BadSqlGrammarException e) {
            throw new IllegalStateException(
                    "The fence for lock '" + request.name() + "' could not use the " + target.describe() + hint(target)
                            + ": " + e.getMostSpecificCause().getMessage(),
                    e);
        }
    }

    private void guard(Connection connection, FenceTarget target, LockRequest request, long token) throws SQLException {
        if (connection.getAutoCommit()) {
            throw notThisDataSourcesTransaction(request, "left its connection in auto-commit mode");
        }
        FenceDialect sql = dialect(connection);
        int count;
        try {
            count = runGuard(connection, target.guard(sql), target.guardArguments(request, token));
        } catch (SQLException e) {
            if (!sql.insertRaceFails || !"23505".equals(e.getSQLState())) {
                throw e;
            }
            // H2: another transaction inserted the row first and has committed; it is there to match now
            count = runGuard(connection, target.guard(sql), target.guardArguments(request, token));
        }
        if (count >= target.passCount(sql)) {
            return;
        }
        Long stored = storedToken(connection, target, request);
        if (stored == null) {
            throw new IllegalStateException("The fence for lock '" + request.name() + "' found no row with id '"
                    + request.key() + "' in " + target.describe() + ": it guards rows that exist");
        }
        if (stored > token) {
            throw new StaleFencingTokenException(request.name(), token, stored);
        }
    }

    private static IllegalStateException notThisDataSourcesTransaction(LockRequest request, String finding) {
        return new IllegalStateException("The fence for lock '" + request.name() + "' found that the active"
                + " transaction " + finding + ": the transaction is not on this DataSource, so the guard's"
                + " token and row lock would not commit or end with it");
    }

    private static int runGuard(Connection connection, String sql, Object[] arguments) throws SQLException {
        try (PreparedStatement guard = connection.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                guard.setObject(i + 1, arguments[i]);
            }
            return guard.executeUpdate();
        }
    }

    private static @Nullable Long storedToken(Connection connection, FenceTarget target, LockRequest request)
            throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(target.read())) {
            read.setObject(1, target.readArgument(request));
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                long stored = row.getLong(1);
                return row.wasNull() ? Long.MIN_VALUE : stored;
            }
        }
    }

    private FenceDialect dialect(Connection connection) throws SQLException {
        FenceDialect known = dialect;
        if (known == null) {
            known = FenceDialect.of(connection);
            dialect = known;
        }
        return known;
    }

    private String hint(FenceTarget target) {
        if (target != table) {
            return "";
        }
        FenceDialect known = dialect;
        String file = known == null ? "schema-fence-<database>.sql" : known.schemaFile();
        return " (create it with classpath:" + DataSources.SCHEMA_LOCATION + file + ", or createTable(true))";
    }

    /**
     * Creates the fence table if missing, on a connection of its own, committed (a pool may hand it out
     * with auto-commit off); a database not reachable yet is left for the first admission to report.
     */
    private void createTable() {
        try (Connection connection = dataSource.getConnection()) {
            FenceDialect found = dialect(connection);
            ClassPathResource file = new ClassPathResource(DataSources.SCHEMA_LOCATION + found.schemaFile());
            String script = file.getContentAsString(StandardCharsets.UTF_8).replace(DEFAULT_TABLE, table.table());
            new ResourceDatabasePopulator(new ByteArrayResource(script.getBytes(StandardCharsets.UTF_8)))
                    .populate(connection);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException | java.io.IOException e) {
            // not reachable, or another instance creating it at once: the first admission says what is wrong
        }
    }

    /** Options of a {@link JdbcLockFence}; every one has a default. */
    public static final class Builder {

        private final DataSource dataSource;
        private String tableName = DEFAULT_TABLE;
        private boolean createTable;
        private final Map<String, FenceTarget> columns = new HashMap<>();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Name of the fence table, optionally {@code schema.table} ({@value #DEFAULT_TABLE}). */
        public Builder tableName(String tableName) {
            this.tableName = FenceTarget.identifier(tableName, "tableName");
            return this;
        }

        /** Whether to create the fence table when the fence is built, if missing (false: it must exist). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * Keeps the tokens of lock {@code lockName} in column {@code tokenColumn} (a nullable BIGINT) of the
         * row of {@code table} whose {@code idColumn} is the lock key, as text.
         */
        public Builder column(String lockName, String table, String idColumn, String tokenColumn) {
            return column(lockName, table, idColumn, tokenColumn, key -> key);
        }

        /**
         * Same as {@link #column(String, String, String, String)}, with the row's id made from the lock key
         * by {@code idOfKey} (such as {@code Long::valueOf}), bound with {@code setObject}.
         */
        public Builder column(
                String lockName, String table, String idColumn, String tokenColumn, Function<String, ?> idOfKey) {
            Objects.requireNonNull(lockName, "lockName");
            columns.put(lockName, new FenceTarget.Column(table, idColumn, tokenColumn, idOfKey));
            return this;
        }

        /** Builds the fence, creating the table first if {@link #createTable} asked for it. */
        public JdbcLockFence build() {
            return new JdbcLockFence(this);
        }
    }
}
