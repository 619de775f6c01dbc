package io.github.serializedby.lock.jdbc.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.SessionSettingDataSource;
import io.github.serializedby.lock.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two lease-table providers on one database whose sessions run in different time zones, as two instances
 * configured differently (or one crossing a daylight-saving change) would: they must still exclude each
 * other. Zone "+05:00" is ahead of "+00:00", so a lease written in the latter's local time would look five
 * hours expired to the former.
 */
class LeaseTableTimeZoneTest {

    private final String name = "time-zones." + UUID.randomUUID();

    @Test
    void mariaDbSessionsInDifferentTimeZonesExcludeEachOther() {
        DataSource database = TestDatabases.mariadb();
        assertExclusion(
                new SessionSettingDataSource(database, "set time_zone = '+00:00'"),
                new SessionSettingDataSource(database, "set time_zone = '+05:00'"));
    }

    @Test
    void postgresSessionsInDifferentTimeZonesExcludeEachOther() {
        DataSource database = TestDatabases.postgres();
        assertExclusion(
                new SessionSettingDataSource(database, "set time zone interval '+00:00' hour to minute"),
                new SessionSettingDataSource(database, "set time zone interval '+05:00' hour to minute"));
    }

    @Test
    void h2SessionsInDifferentTimeZonesExcludeEachOther() {
        DataSource database = TestDatabases.h2();
        assertExclusion(
                new SessionSettingDataSource(database, "set time zone '+00:00'"),
                new SessionSettingDataSource(database, "set time zone '+05:00'"));
    }

    @Test
    void mariaDbExpiryColumnsThatFollowTheSessionZoneAreRefusedAtStartUp() throws SQLException {
        DataSource database = TestDatabases.mariadb();
        String schema = ownSchemaName();
        execute(database, "create database " + schema);
        try {
            DataSource inSchema = new SessionSettingDataSource(database, "use " + schema);
            createTablesWithTimeType(inSchema, "timestamp(6) null");
            assertRefused(inSchema, "DATETIME");
        } finally {
            execute(database, "drop database " + schema);
        }
    }

    @Test
    void postgresExpiryColumnsWithoutTimeZoneAreRefusedAtStartUp() throws SQLException {
        DataSource database = TestDatabases.postgres();
        String schema = ownSchemaName();
        execute(database, "create schema " + schema);
        try {
            DataSource inSchema = new SessionSettingDataSource(database, "set search_path to " + schema);
            createTablesWithTimeType(inSchema, "timestamp");
            assertRefused(inSchema, "timestamptz");
        } finally {
            execute(database, "drop schema " + schema + " cascade");
        }
    }

    @Test
    void h2ExpiryColumnsWithoutTimeZoneAreRefusedAtStartUp() throws SQLException {
        DataSource database = new DriverManagerDataSource("jdbc:h2:mem:" + ownSchemaName(), "sa", "");
        try (Connection keepsTheDatabase = database.getConnection()) {
            createTablesWithTimeType(database, "timestamp");
            assertRefused(database, "TIMESTAMP WITH TIME ZONE");
        }
    }

    private static String ownSchemaName() {
        return "sb_local_times_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static void createTablesWithTimeType(DataSource dataSource, String timeType) throws SQLException {
        execute(
                dataSource,
                "create table serialized_by_lease (lock_id bigint primary key, owner varchar(64),"
                        + " token bigint not null, expires_at " + timeType + ", shared_until " + timeType + ")");
        execute(
                dataSource,
                "create table serialized_by_lease_shared (lock_id bigint not null,"
                        + " owner varchar(64) not null, expires_at " + timeType + ", primary key (lock_id, owner))");
    }

    private static void assertRefused(DataSource dataSource, String expectedType) {
        assertThatThrownBy(() -> provider(dataSource).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serialized_by_lease.expires_at")
                .hasMessageContaining(expectedType);
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private void assertExclusion(DataSource behind, DataSource ahead) {
        try (JdbcLeaseTableLockProvider first = provider(behind);
                JdbcLeaseTableLockProvider second = provider(ahead)) {
            assertHeldAgainst(first, second, LockRequest.exclusive(name, "held-behind"), "exclusive");
            assertHeldAgainst(second, first, LockRequest.exclusive(name, "held-ahead"), "exclusive");
            assertHeldAgainst(first, second, LockRequest.shared(name, "shared-behind"), "shared");
            assertHeldAgainst(second, first, LockRequest.shared(name, "shared-ahead"), "shared");
        }
    }

    private static void assertHeldAgainst(
            JdbcLeaseTableLockProvider holder, JdbcLeaseTableLockProvider other, LockRequest held, String mode) {
        LockRequest rival = LockRequest.exclusive(held.name(), held.key());
        try (Lease lease = holder.tryAcquire(held).orElseThrow()) {
            assertThat(other.tryAcquire(rival))
                    .as("a key held %s in one time zone is refused in another", mode)
                    .isEmpty();
            assertThat(lease.isValid()).isTrue();
        }
        try (Lease afterRelease = other.tryAcquire(rival).orElseThrow()) {
            assertThat(afterRelease.isValid()).isTrue();
        }
    }

    private static JdbcLeaseTableLockProvider provider(DataSource dataSource) {
        return JdbcLeaseTableLockProvider.builder(dataSource).createTable(true).build();
    }
}
