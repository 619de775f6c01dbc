package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.jdbc.Database;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The fence table's guard in each database's own words: one statement that inserts the resource's row
 * or raises its token when the caller's is not older, and leaves it alone otherwise, locking the row in
 * every case. {@code {table}} stands for the validated table name; the parameters are lock id, token,
 * lock name and lock key.
 */
enum FenceDialect {
    POSTGRESQL("postgresql", 1, false, """
            insert into {table} as f (lock_id, token, lock_name, lock_key) values (?, ?, ?, ?)
            on conflict (lock_id) do update set token = excluded.token where f.token <= excluded.token"""),

    /**
     * An insert counts 1, a raise 2, a row left alone 0, or 1 when the driver reports found rows (MariaDB
     * Connector/J does unless {@code useAffectedRows=true}); only 2 is a pass without reading the row back.
     */
    MARIADB("mariadb", 2, false, """
            insert into {table} (lock_id, token, lock_name, lock_key) values (?, ?, ?, ?)
            on duplicate key update token = if(token <= values(token), values(token), token)"""),

    H2("h2", 1, true, """
            merge into {table} f
            using (select cast(? as bigint) lock_id, cast(? as bigint) token, cast(? as character varying) lock_name,
                cast(? as character varying) lock_key) s
            on f.lock_id = s.lock_id
            when matched and f.token <= s.token then update set token = s.token
            when not matched then insert (lock_id, token, lock_name, lock_key)
                values (s.lock_id, s.token, s.lock_name, s.lock_key)""");

    /** The name in the schema file's name: {@code schema-fence-<name>.sql}. */
    final String schemaName;

    /** The update count at or above which the table's guard has admitted the caller. */
    final int tablePassCount;

    /**
     * Whether a guard that found no row fails with a duplicate key once another transaction's insert of
     * that row commits, instead of waiting and then matching it (H2); the statement is run again.
     */
    final boolean insertRaceFails;

    private final String tableGuard;

    FenceDialect(String schemaName, int tablePassCount, boolean insertRaceFails, String tableGuard) {
        this.schemaName = schemaName;
        this.tablePassCount = tablePassCount;
        this.insertRaceFails = insertRaceFails;
        this.tableGuard = tableGuard;
    }

    String tableGuard(String table) {
        return tableGuard.replace("{table}", table);
    }

    /** The schema file of the fence table on this database. */
    String schemaFile() {
        return "schema-fence-" + schemaName + ".sql";
    }

    /** The dialect of the database {@code connection} talks to. */
    static FenceDialect of(Connection connection) throws SQLException {
        return switch (Database.of(connection, "The JDBC fence")) {
            case POSTGRESQL -> POSTGRESQL;
            case MARIADB -> MARIADB;
            case H2 -> H2;
        };
    }
}
