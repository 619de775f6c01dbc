package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.jdbc.Database;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The statements of the lease table in each database's own words. Every time comes from the database's
 * clock: {@code {now}} is its current time and {@code {until}} its current time plus a bound number of
 * milliseconds. No time depends on a session's time zone, which may differ between instances or jump at a
 * daylight-saving change: PostgreSQL and H2 keep instants ({@code timestamp with time zone}), MariaDB keeps
 * UTC in {@code DATETIME(6)} ({@code utc_timestamp}, never {@code now}, which is local to the session).
 */
enum LeaseDialect {
    POSTGRESQL("postgresql", "timestamptz", "now()", "(now() + ? * interval '1 millisecond')", """
            insert into serialized_by_lease as l (lock_id, owner, token, expires_at, shared_until)
            values (?, ?, 1, {until}, null)
            on conflict (lock_id) do update set owner = excluded.owner, token = l.token + 1,
                expires_at = excluded.expires_at
            where (l.owner is null or l.expires_at < {now}) and (l.shared_until is null or l.shared_until < {now})
            returning token""", """
            insert into serialized_by_lease (lock_id, owner, token, expires_at, shared_until)
            values (?, null, 0, null, null) on conflict (lock_id) do nothing"""),

    MARIADB(
            "mariadb",
            "DATETIME",
            "utc_timestamp(6)",
            "timestampadd(microsecond, ? * 1000, utc_timestamp(6))",
            // assignments run left to right and see the columns already assigned: once owner is ours, the
            // rest follows it
            """
            insert into serialized_by_lease (lock_id, owner, token, expires_at, shared_until)
            values (?, ?, 1, {until}, null)
            on duplicate key update
                owner = if((owner is null or expires_at < {now}) and (shared_until is null or shared_until < {now}),
                    values(owner), owner),
                token = if(owner = values(owner), token + 1, token),
                expires_at = if(owner = values(owner), values(expires_at), expires_at)""",
            """
            insert ignore into serialized_by_lease (lock_id, owner, token, expires_at, shared_until)
            values (?, null, 0, null, null)"""),

    H2("h2", "TIMESTAMP WITH TIME ZONE", "current_timestamp", "dateadd(millisecond, ?, current_timestamp)", """
            merge into serialized_by_lease l
            using (select cast(? as bigint) lock_id, cast(? as varchar(64)) owner, {until} expires_at) s
            on l.lock_id = s.lock_id
            when matched and (l.owner is null or l.expires_at < {now})
                and (l.shared_until is null or l.shared_until < {now})
                then update set owner = s.owner, token = l.token + 1, expires_at = s.expires_at
            when not matched then insert (lock_id, owner, token, expires_at, shared_until)
                values (s.lock_id, s.owner, 1, s.expires_at, null)""", """
            merge into serialized_by_lease l using (select cast(? as bigint) lock_id) s on l.lock_id = s.lock_id
            when not matched then insert (lock_id, owner, token, expires_at, shared_until)
                values (s.lock_id, null, 0, null, null)""");

    /** The name in the schema file's name: {@code schema-<name>.sql}. */
    final String schemaName;

    /**
     * The type of the time columns, as the driver names it: one whose values do not move with the
     * session's time zone, given the functions the statements use.
     */
    final String timeType;

    /** Takes the key row for an owner in one statement: id, owner, lease millis. */
    final String takeExclusive;

    /** Whether {@link #takeExclusive} returns the token itself; otherwise it is read back by owner. */
    final boolean returnsToken;

    /** Creates the key row if it is missing, without touching an existing one: id. */
    final String ensureKeyRow;

    final String lockKeyRow;
    final String claimShared;
    final String readToken;
    final String insertShared;
    final String renewShared;
    final String extendSharedUntil;
    final String deleteShared;
    final String recomputeSharedUntil;
    final String renewExclusive;
    final String releaseExclusive;
    final String readOwnToken;

    LeaseDialect(
            String schemaName, String timeType, String now, String until, String takeExclusive, String ensureKeyRow) {
        this.schemaName = schemaName;
        this.timeType = timeType;
        this.takeExclusive = times(takeExclusive, now, until);
        this.returnsToken = takeExclusive.contains("returning");
        this.ensureKeyRow = ensureKeyRow;
        this.lockKeyRow = times(
                "select case when owner is null or expires_at < {now} then 1 else 0 end"
                        + " from serialized_by_lease where lock_id = ? for update",
                now,
                until);
        this.claimShared = times(
                "update serialized_by_lease set token = token + ?, owner = null, expires_at = null,"
                        + " shared_until = case when shared_until is null or shared_until < {until} then {until}"
                        + " else shared_until end where lock_id = ?",
                now,
                until);
        this.readToken = "select token from serialized_by_lease where lock_id = ?";
        this.insertShared = times(
                "insert into serialized_by_lease_shared (lock_id, owner, expires_at) values (?, ?, {until})",
                now,
                until);
        this.renewShared = times(
                "update serialized_by_lease_shared set expires_at = {until}"
                        + " where lock_id = ? and owner = ? and expires_at >= {now}",
                now,
                until);
        this.extendSharedUntil = times(
                "update serialized_by_lease set shared_until = case when shared_until is null"
                        + " or shared_until < {until} then {until} else shared_until end where lock_id = ?",
                now,
                until);
        this.deleteShared = times(
                "delete from serialized_by_lease_shared where lock_id = ? and (owner = ? or expires_at < {now})",
                now,
                until);
        this.recomputeSharedUntil = "update serialized_by_lease set shared_until ="
                + " (select max(expires_at) from serialized_by_lease_shared where lock_id = ?) where lock_id = ?";
        this.renewExclusive = times(
                "update serialized_by_lease set expires_at = {until} where lock_id = ? and owner = ?", now, until);
        this.releaseExclusive =
                "update serialized_by_lease set owner = null, expires_at = null where lock_id = ? and owner = ?";
        this.readOwnToken = "select token from serialized_by_lease where lock_id = ? and owner = ?";
    }

    private static String times(String sql, String now, String until) {
        return sql.replace("{now}", now).replace("{until}", until);
    }

    /** The dialect of the database {@code connection} talks to. */
    static LeaseDialect of(Connection connection) throws SQLException {
        return switch (Database.of(connection, "The lease table")) {
            case POSTGRESQL -> POSTGRESQL;
            case MARIADB -> MARIADB;
            case H2 -> H2;
        };
    }
}
