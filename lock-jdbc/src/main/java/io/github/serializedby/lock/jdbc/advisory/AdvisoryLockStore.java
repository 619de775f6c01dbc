package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProviderBusyException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.HeldLock;
import io.github.serializedby.lock.jdbc.LockIds;
import io.github.serializedby.lock.jdbc.TokenBlocks;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.StoredLock;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Session-level advisory locks, each on a session of its own from the {@link SessionPool}. Taking a lock
 * and drawing its fencing tokens from the {@link TokenSequence} is one statement; releasing it and, if
 * some process waits for it (see {@link WaitMarkers}), notifying is another.
 */
final class AdvisoryLockStore implements LockStore<Long>, AutoCloseable {

    /** The channel on which releases are announced, with the lock id as payload. */
    static final String CHANNEL = "serialized_by_lock";

    private static final String LOCK_EXCLUSIVE = TokenSequence.lockStatement("pg_try_advisory_lock");
    private static final String LOCK_SHARED = TokenSequence.lockStatement("pg_try_advisory_lock_shared");
    private static final String UNLOCK_EXCLUSIVE =
            "select pg_advisory_unlock(?), " + WaitMarkers.notifyIfMarked(CHANNEL);
    private static final String UNLOCK_SHARED =
            "select pg_advisory_unlock_shared(?), " + WaitMarkers.notifyIfMarked(CHANNEL);

    private final SessionPool pool;
    private final SessionCheck check;
    private final WaitMarkers markers;
    private final Set<AdvisoryHold> held = ConcurrentHashMap.newKeySet();

    AdvisoryLockStore(SessionPool pool, SessionCheck check, WaitMarkers markers) {
        this.pool = pool;
        this.check = check;
        this.markers = markers;
    }

    /** Runs the {@link SessionCheck} now, unless the database cannot be reached yet. */
    void checkEagerly() {
        check.tryEagerly();
    }

    @Override
    public Long key(LockRequest request) {
        return LockIds.of(request);
    }

    @Override
    public @Nullable StoredLock tryLock(LockRequest request, Long lockId, boolean waiting) {
        check.ensurePassed(request);
        SessionPool.Session session;
        try {
            session = pool.borrow();
        } catch (SQLException e) {
            pool.evictIdle();
            throw new LockProviderUnavailableException(request.name(), e);
        }
        if (session == null) {
            if (waiting) {
                return null;
            }
            throw new LockProviderBusyException(
                    request.name(),
                    new SQLException("All " + pool.max() + " lock connections hold locks (raise max-connections)"));
        }
        try {
            if (!session.prepared()) {
                TokenSequence.prepareSession(session.connection());
                session.markPrepared();
            }
            PreparedStatement statement =
                    session.statement(request.mode() == LockMode.EXCLUSIVE ? LOCK_EXCLUSIVE : LOCK_SHARED);
            statement.setLong(1, lockId);
            try (ResultSet result = statement.executeQuery()) {
                long last = result.next() ? result.getLong(1) : 0;
                if (!result.wasNull()) {
                    long block = request.mode() == LockMode.SHARED ? TokenBlocks.SHARED : 1;
                    AdvisoryHold hold = new AdvisoryHold(session, lockId, request.mode(), last - block + 1, last);
                    held.add(hold);
                    return hold;
                }
            }
        } catch (SQLException | RuntimeException e) {
            // the lock may have been taken before the failure: only closing the session surely frees it
            pool.discard(session);
            pool.evictIdle();
            throw new LockProviderUnavailableException(request.name(), e);
        }
        pool.giveBack(session);
        return null;
    }

    @Override
    public boolean startWaiting(Long lockId) {
        return markers.add(lockId);
    }

    @Override
    public void stopWaiting(Long lockId) {
        markers.remove(lockId);
    }

    /**
     * Marks lost the holds whose sessions have ended (terminated, or the server restarted); the lock went
     * with the session. Runs on the listening connection.
     */
    void checkSessions(Connection connection) throws SQLException {
        List<AdvisoryHold> holds = List.copyOf(held);
        if (holds.isEmpty()) {
            return;
        }
        Integer[] pids = holds.stream().map(hold -> hold.session.backendPid()).toArray(Integer[]::new);
        Set<Integer> alive = new HashSet<>();
        Array array = connection.createArrayOf("int4", pids);
        try (PreparedStatement statement =
                connection.prepareStatement("select pid from pg_stat_activity where pid = any(?)")) {
            statement.setArray(1, array);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    alive.add(result.getInt(1));
                }
            }
        } finally {
            array.free();
        }
        for (AdvisoryHold hold : holds) {
            if (!alive.contains(hold.session.backendPid())) {
                hold.lose();
            }
        }
    }

    /** How many sessions hold locks now. */
    int heldCount() {
        return held.size();
    }

    @Override
    public void close() {
        for (AdvisoryHold hold : List.copyOf(held)) {
            hold.lose();
        }
        markers.close();
        pool.close();
    }

    private final class AdvisoryHold extends HeldLock {

        final SessionPool.Session session;
        private final long lockId;
        private final LockMode mode;

        AdvisoryHold(SessionPool.Session session, long lockId, LockMode mode, long token, long lastToken) {
            super(held, token, lastToken);
            this.session = session;
            this.lockId = lockId;
            this.mode = mode;
        }

        /** The session is gone, or the provider closes: the lock went, or goes, with it. */
        @Override
        protected void stopHolding() {
            pool.discard(session);
        }

        @Override
        public void release() {
            if (!end()) {
                return;
            }
            boolean unlocked = false;
            try {
                PreparedStatement statement =
                        session.statement(mode == LockMode.EXCLUSIVE ? UNLOCK_EXCLUSIVE : UNLOCK_SHARED);
                statement.setLong(1, lockId);
                WaitMarkers.bind(statement, 2, lockId);
                statement.setString(4, Long.toString(lockId));
                try (ResultSet result = statement.executeQuery()) {
                    unlocked = result.next() && result.getBoolean(1);
                }
            } catch (SQLException | RuntimeException e) {
                unlocked = false;
            }
            if (unlocked) {
                pool.giveBack(session);
            } else {
                pool.discard(session);
            }
        }
    }
}
