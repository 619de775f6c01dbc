package io.github.serializedby.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Small JDBC helpers shared by the providers. Internal to lock-jdbc, public only for its provider
 * packages; not API.
 */
public final class DataSources {

    /** Where the schema files live on the class path. */
    public static final String SCHEMA_LOCATION = "io/github/serializedby/lock/jdbc/";

    private DataSources() {}

    /**
     * The data source to take lock connections from. A transaction-aware proxy would hand out the
     * connection of the caller's transaction, so locks would commit and roll back with it; its target is
     * used instead.
     */
    public static DataSource unwrap(DataSource dataSource) {
        DataSource current = dataSource;
        while (current instanceof TransactionAwareDataSourceProxy proxy) {
            DataSource target = proxy.getTargetDataSource();
            if (target == null) {
                break;
            }
            current = target;
        }
        return current;
    }

    /** Runs a schema file shipped with this module; its statements are idempotent. */
    public static void runSchema(Connection connection, String file) throws SQLException {
        ResourceDatabasePopulator populator =
                new ResourceDatabasePopulator(new ClassPathResource(SCHEMA_LOCATION + file));
        try {
            populator.populate(connection);
        } catch (RuntimeException e) {
            throw new SQLException("Could not run " + SCHEMA_LOCATION + file + ": " + e.getMessage(), e);
        }
    }
}
