package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.jdbc.JdbcProviderBuilder;
import io.github.serializedby.lock.jdbc.ProviderRoom;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Locks held as PostgreSQL session-level advisory locks, so that PostgreSQL itself frees them when the
 * holding process dies or loses its connection.
 *
 * <p><b>Connections.</b> Each held lease keeps one session of the provider's own pool (at most {@code
 * maxConnections}, opened from the given {@link DataSource} on demand) until it is released; add one
 * connection for listening to releases, and one, opened when a waiter first waits, that marks the locks
 * waited for. A provider holding no lock keeps only its idle sessions and those two. Waiters hold no
 * connection of their own. Give it a data source that opens plain connections (a URL),
 * not the application's pool: a held lock would keep a pooled connection for its whole life, and a
 * session that must be discarded because its release failed should be closed, not handed back. It never
 * uses the connection of the caller's transaction.
 *
 * <p><b>Keys.</b> (name, key) maps to a 64-bit advisory key: the first eight bytes of SHA-256 of {@code
 * name + '\0' + key}. Exclusive leases use {@code pg_try_advisory_lock(bigint)}, shared leases {@code
 * pg_try_advisory_lock_shared(bigint)}.
 *
 * <p><b>Waiting.</b> Nobody waits inside PostgreSQL: waiters wait in this JVM, in a first-come queue per
 * key, and the first one tries {@code pg_try_advisory_lock} again when a local holder releases, when
 * another process announces a release ({@code pg_notify} on release, heard by one {@code LISTEN}ing
 * connection; a release is announced only while some process marks the lock as waited for, see {@link
 * WaitMarkers}), every {@code recheckInterval} (for holders that died without announcing), and once more
 * when its wait runs out. Within one JVM a waiting writer is served before later readers; across
 * processes PostgreSQL's try-locks keep no queue, so readers of another process may overtake it.
 *
 * <p><b>Threads.</b> {@code acquire} makes no database call on the calling thread: every attempt runs on
 * the provider's worker threads, and the future completes on one of its delivery threads, where the
 * caller's stages may block without holding up the attempts and hand-overs of other keys. {@code
 * acquireBlocking} makes the first attempt on the calling thread, which blocks anyway, then waits like
 * {@code acquire}; on a thread that must not block (an event loop) it throws {@link
 * IllegalStateException}, as {@code tryAcquire} does.
 *
 * <p><b>Fencing.</b> Right after taking the lock, in the same statement, the session draws the next value
 * of the sequence {@code serialized_by_fence_token}; it ends the lease's block of tokens. Tokens thus
 * grow across keys, processes and restarts, also after a crash of PostgreSQL; see {@link TokenSequence}.
 *
 * <p><b>Failures.</b> If the database cannot be reached, acquisitions fail with {@link
 * io.github.serializedby.lock.LockProviderUnavailableException}, never with a lease, and work again once
 * it answers. A session whose release fails is closed. A session found dead (every {@code
 * sessionCheckInterval}) makes its lease invalid and is reported to {@link LockListener#leaseLost}.
 * A transaction-pooling proxy, where session locks cannot work, is detected and refused; see {@link
 * SessionCheck}.
 */
public final class PostgresAdvisoryLockProvider extends ForwardingLockProvider implements AutoCloseable {

    private final ProviderRoom<AdvisoryLockStore> room;
    private final ReleaseListener releases;

    private PostgresAdvisoryLockProvider(Builder builder, DataSource dataSource, ProviderRoom<AdvisoryLockStore> room) {
        super(room.acquisitions());
        this.room = room;
        releases = new ReleaseListener(
                dataSource, room, room.store(), builder.sessionCheckInterval, Duration.ofSeconds(1));
        room.checkOrClose(room.store()::checkEagerly, room.store()::close);
        releases.start();
    }

    /** A provider taking its sessions from {@code dataSource}, with the defaults of {@link Builder}. */
    public static PostgresAdvisoryLockProvider create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /** Starts configuring a provider taking its sessions from {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * How many leases of this provider hold a session now. Package-private for the tests that check no
     * session stays pinned after waits and close: the database cannot tell this provider's sessions from
     * those of other tests running beside it.
     */
    int heldSessionCount() {
        return room.store().heldCount();
    }

    /**
     * Fails the waiters, and every later call at once, with {@link
     * io.github.serializedby.lock.LockProviderUnavailableException}; stops listening and closes the
     * sessions; leases still held are lost.
     */
    @Override
    public void close() {
        room.close(releases::close, room.store()::close);
    }

    @Override
    public String toString() {
        return room.describe("PostgresAdvisoryLockProvider", room.store().heldCount());
    }

    /** Options of a {@link PostgresAdvisoryLockProvider}; every one has a default. */
    public static final class Builder extends JdbcProviderBuilder<Builder> {

        private int maxConnections = 10;
        private Duration recheckInterval = Duration.ofSeconds(1);
        private Duration sessionCheckInterval = Duration.ofSeconds(2);
        private Duration networkTimeout = Duration.ofSeconds(5);

        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        /** Most sessions held at once, which is also the most locks this provider can hold at once (10). */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 2) {
                throw new IllegalArgumentException("maxConnections must be at least 2");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** How often waiters try again without a notification, for holders that died unannounced (1 s). */
        public Builder recheckInterval(Duration recheckInterval) {
            this.recheckInterval = ProviderRoom.positive(recheckInterval, "recheckInterval");
            return this;
        }

        /** How often the sessions holding locks are checked to be alive (2 s). */
        public Builder sessionCheckInterval(Duration sessionCheckInterval) {
            this.sessionCheckInterval = ProviderRoom.positive(sessionCheckInterval, "sessionCheckInterval");
            return this;
        }

        /** Longest wait for the database to answer one statement before it counts as unreachable (5 s). */
        public Builder networkTimeout(Duration networkTimeout) {
            this.networkTimeout = ProviderRoom.positive(networkTimeout, "networkTimeout");
            return this;
        }

        /**
         * Builds and starts the provider: checks that sessions are real (refusing a transaction-pooling
         * proxy) and that the token sequence exists, unless the database cannot be reached yet.
         *
         * @throws IllegalStateException when the check fails
         */
        public PostgresAdvisoryLockProvider build() {
            DataSource dataSource = dataSource();
            return new PostgresAdvisoryLockProvider(this, dataSource, openRoom(dataSource));
        }

        private ProviderRoom<AdvisoryLockStore> openRoom(DataSource dataSource) {
            // a continuation may block while it holds a lease: one delivery thread per lease there can be
            return room("serialized-by-pg", maxConnections, recheckInterval, (workers, timer, signalAll) -> {
                SessionPool pool = new SessionPool(dataSource, maxConnections, networkTimeout, signalAll);
                return new AdvisoryLockStore(
                        pool, new SessionCheck(pool, createsTable()), new WaitMarkers(dataSource, networkTimeout));
            });
        }
    }
}
