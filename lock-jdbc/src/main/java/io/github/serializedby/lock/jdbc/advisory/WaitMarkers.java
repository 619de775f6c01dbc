package io.github.serializedby.lock.jdbc.advisory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Tells releasers in every process which locks this JVM waits for, so that only those releases are
 * announced with {@code pg_notify} (a notification costs a transaction, and wakes every listener).
 *
 * <p>While a lock id has local waiters, one session of its own holds a shared advisory lock on the id
 * split into two {@code int}s ({@code pg_advisory_lock_shared(int, int)}, a key space apart from the
 * {@code bigint} one of the locks). A release unlocks first, then notifies unless it can take that marker
 * exclusively. A waiter marks before its next attempt, so a release it does not see, having happened
 * before the attempt, left the lock free for it. Should the marker session fail, the markers are taken
 * again on a new one at the next change; meanwhile waiters fall back on their rechecks.
 */
final class WaitMarkers implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WaitMarkers.class.getName());

    private final DataSource dataSource;
    private final int networkTimeoutMillis;
    private final Map<Long, Integer> waiters = new HashMap<>();
    private @Nullable Connection connection;
    private boolean closed;

    WaitMarkers(DataSource dataSource, Duration networkTimeout) {
        this.dataSource = dataSource;
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
    }

    /** The SQL a release runs after unlocking: announces the release only if some process waits. */
    static String notifyIfMarked(String channel) {
        return "case when pg_try_advisory_xact_lock(?, ?) then null else pg_notify('" + channel
                + "', cast(? as text)) end";
    }

    /** Binds the marker of {@code lockId} at {@code index} and the next parameter. */
    static void bind(PreparedStatement statement, int index, long lockId) throws SQLException {
        statement.setInt(index, (int) (lockId >>> 32));
        statement.setInt(index + 1, (int) lockId);
    }

    /**
     * One more local waiter for {@code lockId}; marks the id if it is the first.
     *
     * @return whether the id was not marked before, so that a release may have gone unannounced
     */
    synchronized boolean add(long lockId) {
        if (waiters.merge(lockId, 1, Integer::sum) > 1) {
            return false;
        }
        run("select pg_advisory_lock_shared(?, ?)", lockId);
        return true;
    }

    /** One local waiter fewer for {@code lockId}; unmarks the id if it was the last. */
    synchronized void remove(long lockId) {
        Integer count = waiters.get(lockId);
        if (count == null) {
            return;
        }
        if (count > 1) {
            waiters.put(lockId, count - 1);
            return;
        }
        waiters.remove(lockId);
        run("select pg_advisory_unlock_shared(?, ?)", lockId);
    }

    private void run(String sql, long lockId) {
        if (closed) {
            return;
        }
        try {
            Connection current = connection;
            if (current == null) {
                connection = connect();
            } else {
                execute(current, sql, lockId);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Wait markers lost their session; taking them again later", e);
            Connections.discard(connection);
            connection = null;
        }
    }

    /** A new session holding the markers of every id with local waiters. */
    private Connection connect() throws SQLException {
        Connection fresh = dataSource.getConnection();
        try {
            fresh.setAutoCommit(true);
            fresh.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            for (long lockId : waiters.keySet()) {
                execute(fresh, "select pg_advisory_lock_shared(?, ?)", lockId);
            }
            return fresh;
        } catch (SQLException | RuntimeException e) {
            Connections.discard(fresh);
            throw e;
        }
    }

    private static void execute(Connection connection, String sql, long lockId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, 1, lockId);
            statement.executeQuery().close();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        Connections.discard(connection);
        connection = null;
    }
}
