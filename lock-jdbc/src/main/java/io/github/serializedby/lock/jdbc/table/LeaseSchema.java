package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.jdbc.DataSources;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The lease tables' schema: finds the database's dialect once, creates the tables if asked to, and
 * refuses tables whose time columns would depend on a session's time zone.
 */
final class LeaseSchema {

    private final DataSource dataSource;
    private final boolean createTable;
    private volatile @Nullable LeaseDialect dialect;

    LeaseSchema(DataSource dataSource, boolean createTable) {
        this.dataSource = dataSource;
        this.createTable = createTable;
    }

    /** The dialect, found and the tables checked on the first call that reaches the database. */
    LeaseDialect dialect() throws SQLException {
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
}
