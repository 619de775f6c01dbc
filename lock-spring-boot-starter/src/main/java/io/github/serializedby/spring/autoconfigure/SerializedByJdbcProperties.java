package io.github.serializedby.spring.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of the database lock provider, under {@code serialized-by.jdbc}. */
@ConfigurationProperties("serialized-by.jdbc")
public class SerializedByJdbcProperties {

    /** How locks are kept in the database: PostgreSQL advisory locks, or a lease table (any supported database). */
    private Mode mode = Mode.LEASE_TABLE;

    /** Whether to create the provider's tables at start-up if they are missing. */
    private boolean createTable = false;

    /**
     * JDBC URL of the advisory provider's own connections; defaults to spring.datasource.url. When neither
     * is set, the application's DataSource is used, and each held lock keeps one of its connections.
     */
    private @Nullable String url;

    /** Login user of the advisory provider's own connections; defaults to spring.datasource.username. */
    private @Nullable String username;

    /** Login password of the advisory provider's own connections; defaults to spring.datasource.password. */
    private @Nullable String password;

    /** Most connections the advisory provider opens, which bounds the locks it holds at once. */
    private int maxConnections = 10;

    /** Time between retries of a waiter while another instance holds the key (lease table). */
    private Duration retryInterval = Duration.ofMillis(100);

    /** Time between retries of a waiter without a release notification (advisory locks). */
    private Duration recheckInterval = Duration.ofSeconds(1);

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public @Nullable String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public @Nullable String getUsername() {
        return username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    public @Nullable String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    public Duration getRecheckInterval() {
        return recheckInterval;
    }

    public void setRecheckInterval(Duration recheckInterval) {
        this.recheckInterval = recheckInterval;
    }

    /** How locks are kept in the database. */
    public enum Mode {

        /** PostgreSQL session-level advisory locks, each on a connection of the provider's own. */
        ADVISORY,

        /** Rows of a lease table, renewed while held; PostgreSQL, MariaDB/MySQL or H2. */
        LEASE_TABLE
    }
}
