package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.DataSources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Checks, once before the first lock, that the sessions really are sessions and that the token sequence
 * is there.
 *
 * <p>A transaction-pooling proxy (PgBouncer with {@code pool_mode = transaction}, and others) gives each
 * transaction whichever server process is free, so a session-level lock taken in one statement belongs to
 * a process that the next statement may not reach, and another client may inherit it. The check takes a
 * probe advisory lock on session A, asks session B for its server process, then asks A in a later
 * statement whether its process is still the one that took the probe and still holds it. Through a
 * transaction-pooling proxy, B's statement is served by the process A just left (proxies reuse the most
 * recently freed server first) or A's next statement lands elsewhere; either shows, and the provider
 * refuses to start. Session-pooling proxies pass, as does a direct connection.
 *
 * <p>When the database cannot be reached the check is put off to the first attempt, which then fails
 * with {@link io.github.serializedby.lock.LockProviderUnavailableException} until the database answers.
 */
final class SessionCheck {

    private final SessionPool pool;
    private final boolean createTable;
    private volatile boolean passed;

    SessionCheck(SessionPool pool, boolean createTable) {
        this.pool = pool;
        this.createTable = createTable;
    }

    /** Runs the check now; a database that cannot be reached leaves it for later, anything else throws. */
    void tryEagerly() {
        try {
            run();
        } catch (SQLException e) {
            // unreachable now: checked before the first lock
        }
    }

    void ensurePassed(LockRequest request) {
        if (passed) {
            return;
        }
        try {
            run();
        } catch (SQLException e) {
            throw new LockProviderUnavailableException(request.name(), e);
        }
    }

    private synchronized void run() throws SQLException {
        if (passed) {
            return;
        }
        SessionPool.Session a = borrow();
        SessionPool.@Nullable Session b = null;
        boolean clean = false;
        try {
            b = borrow();
            prepareTokenSequence(a.connection());
            long probe = ThreadLocalRandom.current().nextLong();
            int pidA;
            boolean locked;
            try (PreparedStatement statement =
                    a.connection().prepareStatement("select pg_backend_pid(), pg_try_advisory_lock(?)")) {
                statement.setLong(1, probe);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    pidA = result.getInt(1);
                    locked = result.getBoolean(2);
                }
            }
            int pidB = pid(b.connection());
            int pidALater;
            boolean stillHeld;
            try (PreparedStatement statement = a.connection().prepareStatement("""
                            select pg_backend_pid(), exists (select 1 from pg_locks where locktype = 'advisory'
                                and pid = pg_backend_pid() and granted and objsubid = 1
                                and classid::bigint = ? and objid::bigint = ?)""")) {
                statement.setLong(1, probe >>> 32);
                statement.setLong(2, probe & 0xFFFF_FFFFL);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    pidALater = result.getInt(1);
                    stillHeld = result.getBoolean(2);
                }
            }
            boolean sessionsHold = locked
                    && stillHeld
                    && pidA == pidALater
                    && pidA == a.backendPid()
                    && pidB == b.backendPid()
                    && pidA != pidB;
            if (!sessionsHold) {
                throw new IllegalStateException(
                        "PostgreSQL advisory locks need real sessions, but statements on one connection reached"
                                + " different server processes (or two connections shared one): this looks like a"
                                + " transaction-pooling proxy such as PgBouncer with pool_mode=transaction."
                                + " Point the lock provider at PostgreSQL directly or at a session-pooling proxy,"
                                + " or use the lease-table provider.");
            }
            try (PreparedStatement statement = a.connection().prepareStatement("select pg_advisory_unlock(?)")) {
                statement.setLong(1, probe);
                statement.executeQuery().close();
            }
            clean = true;
            passed = true;
        } finally {
            if (clean) {
                pool.giveBack(a);
            } else {
                pool.discard(a);
            }
            if (b != null) {
                if (clean) {
                    pool.giveBack(b);
                } else {
                    pool.discard(b);
                }
            }
        }
    }

    private SessionPool.Session borrow() throws SQLException {
        SessionPool.@Nullable Session session = pool.borrow();
        if (session == null) {
            throw new SQLException("No lock connection free for the session check");
        }
        return session;
    }

    private void prepareTokenSequence(Connection connection) throws SQLException {
        if (createTable) {
            try {
                DataSources.runSchema(connection, "schema-postgresql-advisory.sql");
            } catch (SQLException e) {
                // two instances creating it at once: fine if it exists now
            }
        }
        try {
            TokenSequence.verify(connection);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new IllegalStateException(
                        "Sequence " + TokenSequence.NAME + " or table serialized_by_fence_advanced is missing: run"
                                + " classpath:" + DataSources.SCHEMA_LOCATION
                                + "schema-postgresql-advisory.sql, or create them with createTable(true)",
                        e);
            }
            throw e;
        }
    }

    private static int pid(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select pg_backend_pid()");
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getInt(1);
        }
    }
}
