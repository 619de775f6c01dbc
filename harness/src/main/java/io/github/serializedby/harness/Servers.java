package io.github.serializedby.harness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the servers are: {@code SERIALIZEDBY_POSTGRES_URL} (default {@code
 * jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}), {@code SERIALIZEDBY_REDIS_URL} (default
 * {@code redis://127.0.0.1:6379}), and the topologies of {@code scripts/redis-cluster.sh} and {@code
 * scripts/redis-sentinel.sh}: {@code SERIALIZEDBY_REDIS_CLUSTER_NODES}, {@code
 * SERIALIZEDBY_REDIS_SENTINEL_NODES} and {@code SERIALIZEDBY_REDIS_SENTINEL_MASTER}, with those scripts'
 * addresses as defaults, as lock-redis's tests.
 */
public final class Servers {

    /** Application name of the harness's own connections (counter, history, checks), which faults spare. */
    public static final String HARNESS_APPLICATION = "serialized-by-harness";

    /** Application name of the lock providers' connections, which the PostgreSQL fault terminates. */
    public static final String LOCK_APPLICATION = "serialized-by-lock";

    /**
     * Seconds to open a PostgreSQL connection. Generous, since no fault is judged by it: on a loaded 2-core
     * machine (a build alongside) starting a backend took more than 2 s, and workers that could not open
     * their pool ran no operation at all.
     */
    static final int CONNECT_SECONDS = 15;

    private Servers() {}

    /** The PostgreSQL JDBC URL. */
    public static String postgresUrl() {
        return env("SERIALIZEDBY_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    /** The Redis URI. */
    public static URI redisUri() {
        return URI.create(env("SERIALIZEDBY_REDIS_URL", "redis://127.0.0.1:6379"));
    }

    /** The Redis Cluster's nodes, {@code host:port}. */
    public static List<String> redisClusterNodes() {
        return nodes(
                "SERIALIZEDBY_REDIS_CLUSTER_NODES",
                "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005,127.0.0.1:7006");
    }

    /** The sentinels, {@code host:port}. */
    public static List<String> redisSentinelNodes() {
        return nodes("SERIALIZEDBY_REDIS_SENTINEL_NODES", "127.0.0.1:26390,127.0.0.1:26391,127.0.0.1:26392");
    }

    /** The name the sentinels know the master by. */
    public static String redisSentinelMaster() {
        return env("SERIALIZEDBY_REDIS_SENTINEL_MASTER", "serializedby");
    }

    /** A new connection of the harness itself, in auto-commit mode. */
    public static Connection harnessConnection() throws SQLException {
        return dataSource(HARNESS_APPLICATION).getConnection();
    }

    /** A pool of {@code size} connections of the harness itself, for a worker's counter transactions. */
    static HikariDataSource harnessPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(HARNESS_APPLICATION));
        config.setMaximumPoolSize(size);
        // Hikari also uses this as the driver's login timeout.
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECT_SECONDS));
        config.setPoolName("harness-counters");
        return new HikariDataSource(config);
    }

    /** Plain (unpooled) connections for a lock provider, named {@value #LOCK_APPLICATION}. */
    public static DataSource lockDataSource() {
        return dataSource(LOCK_APPLICATION);
    }

    private static DataSource dataSource(String applicationName) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgresUrl());
        dataSource.setUser(user());
        dataSource.setApplicationName(applicationName);
        dataSource.setConnectTimeout(CONNECT_SECONDS);
        return dataSource;
    }

    private static String user() {
        return env("SERIALIZEDBY_POSTGRES_USER", "postgres");
    }

    private static List<String> nodes(String name, String fallback) {
        return Arrays.stream(env(name, fallback).split(","))
                .map(String::trim)
                .filter(node -> !node.isEmpty())
                .toList();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
