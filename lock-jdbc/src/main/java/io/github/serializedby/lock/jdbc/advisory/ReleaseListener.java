package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.jdbc.ProviderRoom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One thread and one connection per provider that {@code LISTEN}s for releases announced by every
 * provider instance on the database, and wakes the local waiters of the lock released. Between
 * notifications it checks, every {@code sessionCheckInterval}, that the sessions holding locks are
 * alive. If its connection breaks it reconnects, and then wakes every waiter, since notifications may
 * have been missed meanwhile.
 */
final class ReleaseListener implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReleaseListener.class.getName());
    private static final int POLL_MILLIS = 250;

    private final DataSource dataSource;
    private final ProviderRoom<?> room;
    private final AdvisoryLockStore store;
    private final Duration sessionCheckInterval;
    private final Duration reconnectDelay;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile @Nullable Connection connection;

    ReleaseListener(
            DataSource dataSource,
            ProviderRoom<?> room,
            AdvisoryLockStore store,
            Duration sessionCheckInterval,
            Duration reconnectDelay) {
        this.dataSource = dataSource;
        this.room = room;
        this.store = store;
        this.sessionCheckInterval = sessionCheckInterval;
        this.reconnectDelay = reconnectDelay;
        this.thread = new Thread(this::run, "serialized-by-pg-listener");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long nextCheck = System.nanoTime();
        while (closed.getCount() > 0) {
            try {
                Connection current = connection;
                if (current == null) {
                    current = connect();
                    connection = current;
                    room.signalAll();
                }
                PGNotification[] notifications =
                        current.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        if (AdvisoryLockStore.CHANNEL.equals(notification.getName())) {
                            signal(notification.getParameter());
                        }
                    }
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    store.checkSessions(current);
                    nextCheck = System.nanoTime() + sessionCheckInterval.toNanos();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                LOG.log(System.Logger.Level.DEBUG, "Lock release listener lost its connection; reconnecting", e);
                Connections.discard(connection);
                connection = null;
                awaitClose(reconnectDelay);
            }
        }
        Connections.discard(connection);
        connection = null;
    }

    private void signal(String payload) {
        try {
            room.signal(Long.parseLong(payload));
        } catch (NumberFormatException e) {
            // not ours
        }
    }

    private Connection connect() throws SQLException {
        Connection fresh = dataSource.getConnection();
        try {
            fresh.setAutoCommit(true);
            try (Statement statement = fresh.createStatement()) {
                statement.execute("LISTEN " + AdvisoryLockStore.CHANNEL);
            }
            return fresh;
        } catch (SQLException | RuntimeException e) {
            Connections.discard(fresh);
            throw e;
        }
    }

    private void awaitClose(Duration delay) {
        try {
            closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.countDown();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
