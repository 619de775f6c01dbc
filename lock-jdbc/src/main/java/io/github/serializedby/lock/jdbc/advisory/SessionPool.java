package io.github.serializedby.lock.jdbc.advisory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The advisory provider's own bounded pool of PostgreSQL sessions. A session holding a lock is lent out
 * for the lease's whole life; one whose release failed is closed, never returned, so no pooled session
 * ever holds a lock.
 *
 * <p>Invariant: {@code open} counts the sessions lent out plus those idle, never more than {@code max};
 * guarded by this object's monitor.
 */
final class SessionPool implements AutoCloseable {

    /**
     * A pooled session and its server process id, which identifies it in {@code pg_stat_activity}. It keeps
     * its prepared statements; one thread at a time uses it.
     */
    static final class Session {

        private final Connection connection;
        private final int backendPid;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private boolean prepared;

        Session(Connection connection, int backendPid) {
            this.connection = connection;
            this.backendPid = backendPid;
        }

        Connection connection() {
            return connection;
        }

        int backendPid() {
            return backendPid;
        }

        /** The statement prepared for {@code sql} on this session, kept open with it. */
        PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        /** Whether this session has been readied for locks ({@link TokenSequence#prepareSession}). */
        boolean prepared() {
            return prepared;
        }

        void markPrepared() {
            prepared = true;
        }
    }

    private final DataSource dataSource;
    private final int max;
    private final int networkTimeoutMillis;
    private final Runnable onCapacityFreed;
    private final ArrayDeque<Session> idle = new ArrayDeque<>();
    private int open;
    private boolean starved;
    private boolean closed;

    SessionPool(DataSource dataSource, int max, Duration networkTimeout, Runnable onCapacityFreed) {
        this.dataSource = dataSource;
        this.max = max;
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
        this.onCapacityFreed = onCapacityFreed;
    }

    int max() {
        return max;
    }

    /** An idle session, a new one, or null when all {@code max} are lent out. */
    @Nullable
    Session borrow() throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new SQLException("The lock provider is closed");
            }
            Session session = idle.pollLast();
            if (session != null) {
                return session;
            }
            if (open >= max) {
                starved = true;
                return null;
            }
            open++;
        }
        try {
            return openSession();
        } catch (SQLException | RuntimeException e) {
            freed(false);
            throw e;
        }
    }

    /** Takes back a session that holds no lock. */
    void giveBack(Session session) {
        boolean keep;
        synchronized (this) {
            keep = !closed;
            if (keep) {
                idle.addLast(session);
            }
        }
        if (keep) {
            capacityFreed();
        } else {
            discard(session);
        }
    }

    /** Closes a session that may still hold a lock (its server process then ends, and the lock with it). */
    void discard(Session session) {
        Connections.discard(session.connection());
        freed(true);
    }

    /** Closes the idle sessions, after a failure suggests the server restarted and they are all dead. */
    void evictIdle() {
        List<Session> evicted;
        synchronized (this) {
            evicted = new ArrayList<>(idle);
            idle.clear();
            open -= evicted.size();
        }
        evicted.forEach(session -> Connections.discard(session.connection()));
    }

    private void freed(boolean notify) {
        synchronized (this) {
            open--;
        }
        if (notify) {
            capacityFreed();
        }
    }

    private void capacityFreed() {
        boolean wasStarved;
        synchronized (this) {
            wasStarved = starved;
            starved = false;
        }
        if (wasStarved) {
            onCapacityFreed.run();
        }
    }

    private Session openSession() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            try (PreparedStatement statement = connection.prepareStatement(
                            "select pg_backend_pid(), set_config('application_name', 'serialized-by-lock', false)");
                    ResultSet result = statement.executeQuery()) {
                result.next();
                return new Session(connection, result.getInt(1));
            }
        } catch (SQLException | RuntimeException e) {
            Connections.discard(connection);
            throw e;
        }
    }

    /** Closes the idle sessions; sessions lent out are closed when their leases end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        evictIdle();
    }
}
