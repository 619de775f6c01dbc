package io.github.serializedby.lock.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The database servers the tests use. A server that does not answer aborts the calling test class with
 * one line (JUnit skips it), or fails it when {@code CI=true}, where the servers must be there.
 */
public final class TestDatabases {

    private static final Map<String, Object> REACHED = new ConcurrentHashMap<>();
    private static final Map<DataSource, DataSource> POOLS = new ConcurrentHashMap<>();

    private TestDatabases() {}

    /** PostgreSQL: {@code SERIALIZEDBY_POSTGRES_URL}, or database {@code test} on 127.0.0.1:5432. */
    public static DataSource postgres() {
        String url = env("SERIALIZEDBY_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        return reach("PostgreSQL", url, List.of("postgres", System.getProperty("user.name")));
    }

    /** MariaDB or MySQL: {@code SERIALIZEDBY_MARIADB_URL}, or database {@code test} on 127.0.0.1:3306. */
    public static DataSource mariadb() {
        String url = env("SERIALIZEDBY_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
        return reach("MariaDB", url, List.of("root"));
    }

    /** An in-memory H2 database that lives as long as the JVM. */
    public static DataSource h2() {
        return new DriverManagerDataSource("jdbc:h2:mem:serialized_by;DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** A connection pool on {@code dataSource}, as an application would give the lease-table provider. */
    public static DataSource pooled(DataSource dataSource) {
        return POOLS.computeIfAbsent(dataSource, source -> {
            HikariConfig config = new HikariConfig();
            config.setDataSource(source);
            config.setMaximumPoolSize(12);
            config.setPoolName("test-" + POOLS.size());
            return new HikariDataSource(config);
        });
    }

    private static DataSource reach(String what, String url, List<String> users) {
        Object reached = REACHED.computeIfAbsent(url, ignored -> connect(url, users));
        if (reached instanceof DataSource dataSource) {
            return dataSource;
        }
        String message = what + " is not reachable at " + url + " (" + reached + ")";
        if ("true".equals(System.getenv("CI"))) {
            return Assertions.fail(message + ": CI=true requires it");
        }
        Assumptions.abort(message + ": skipping");
        throw new AssertionError("unreachable");
    }

    /** A data source when a user can log in, otherwise the last failure's message. */
    private static Object connect(String url, List<String> users) {
        DriverManager.setLoginTimeout(3);
        String failure = "no user tried";
        for (String user : users) {
            boolean userInUrl = url.contains("user=");
            try (Connection connection =
                    userInUrl ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "")) {
                connection.isValid(3);
                return userInUrl ? new DriverManagerDataSource(url) : new DriverManagerDataSource(url, user, "");
            } catch (SQLException e) {
                failure = e.getMessage();
            }
            if (userInUrl) {
                break;
            }
        }
        return failure;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
