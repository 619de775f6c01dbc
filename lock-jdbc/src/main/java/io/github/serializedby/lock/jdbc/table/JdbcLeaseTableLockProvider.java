package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.jdbc.JdbcProviderBuilder;
import io.github.serializedby.lock.jdbc.ProviderRoom;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Locks kept as leases in a table, on PostgreSQL, MariaDB/MySQL or H2.
 *
 * <p><b>Rows.</b> {@code serialized_by_lease} has one row per lock id (the 64-bit hash of name and key,
 * see {@link PostgresAdvisoryLockProvider}) with the exclusive owner's token, the fencing counter and the
 * expiry; shared holders have a row each in {@code serialized_by_lease_shared}. An exclusive lease is
 * taken in one statement that claims the row only if it is free or expired by the database's clock
 * ({@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} on PostgreSQL, {@code INSERT ... ON DUPLICATE KEY
 * UPDATE} with {@code IF()} on MariaDB, {@code MERGE} on H2), so contention never ends in duplicate-key
 * errors and no transaction is SERIALIZABLE. A shared lease is a short READ COMMITTED transaction that
 * locks the key row first. Releases delete by owner token, so a stale release never frees a later holder.
 *
 * <p><b>Leases.</b> Held leases are renewed every third of {@code leaseTime}. When a renewal finds the
 * row taken, or cannot reach the database before the lease would end, the lease becomes invalid and
 * {@link LockListener#leaseLost} is told. A holder that dies stops renewing, and its lock is free once
 * {@code leaseTime} has passed.
 *
 * <p><b>Connections.</b> Each statement borrows a connection from the given data source (the
 * application's pool is fine) and returns it at once; holding a lock costs no connection. It never uses
 * the connection of the caller's transaction.
 *
 * <p><b>Waiting.</b> Waiters wait in this JVM in a first-come queue per key, as with {@link
 * PostgresAdvisoryLockProvider}: the first one tries again when a local holder releases, every {@code
 * retryInterval} while the key is held elsewhere, and once more when its wait runs out.
 *
 * <p><b>Threads.</b> {@code acquire} makes no database call on the calling thread: every attempt runs on
 * the provider's worker threads, and the future completes on one of its delivery threads, where the
 * caller's stages may block without holding up the attempts and hand-overs of other keys. {@code
 * acquireBlocking} makes the first attempt on the calling thread, which blocks anyway, then waits like
 * {@code acquire}; on a thread that must not block (an event loop) it throws {@link
 * IllegalStateException}, as {@code tryAcquire} does.
 *
 * <p>The tables come from {@code schema-postgresql.sql}, {@code schema-mariadb.sql} or {@code
 * schema-h2.sql} next to this class, run by the application's migrations or, with {@code
 * createTable(true)}, by the provider at start-up.
 */
public final class JdbcLeaseTableLockProvider extends ForwardingLockProvider implements AutoCloseable {

    /**
     * Continuations of asynchronous callers that may block at once before others wait for their answer; a
     * lease holds no connection here, so there is no pool size to match.
     */
    private static final int DELIVERY_THREADS = 10;

    private final ProviderRoom<LeaseTableStore> room;

    private JdbcLeaseTableLockProvider(ProviderRoom<LeaseTableStore> room) {
        super(room.acquisitions());
        this.room = room;
        room.checkOrClose(room.store()::prepareEagerly);
    }

    /** A provider on {@code dataSource}, with the defaults of {@link Builder}. */
    public static JdbcLeaseTableLockProvider create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /** Starts configuring a provider on {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Fails the waiters, and every later call at once, with {@link
     * io.github.serializedby.lock.LockProviderUnavailableException}; stops renewing; rows of leases still
     * held expire after their lease time.
     */
    @Override
    public void close() {
        room.close(room.store()::close);
    }

    @Override
    public String toString() {
        return room.describe("JdbcLeaseTableLockProvider", room.store().heldCount());
    }

    /** Options of a {@link JdbcLeaseTableLockProvider}; every one has a default. */
    public static final class Builder extends JdbcProviderBuilder<Builder> {

        private Duration leaseTime = Duration.ofSeconds(30);
        private Duration retryInterval = Duration.ofMillis(100);

        private Builder(DataSource dataSource) {
            super(dataSource);
        }

        /** Time a lock stays held without renewal if its holder dies (30 s); renewed every third of it. */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = ProviderRoom.positive(leaseTime, "leaseTime");
            return this;
        }

        /** How often a waiter tries again while the key is held by another process (100 ms). */
        public Builder retryInterval(Duration retryInterval) {
            this.retryInterval = ProviderRoom.positive(retryInterval, "retryInterval");
            return this;
        }

        /**
         * Builds the provider and checks that the tables exist (creating them with {@code createTable}),
         * unless the database cannot be reached yet.
         *
         * @throws IllegalStateException when the tables are missing or the database is not supported
         */
        public JdbcLeaseTableLockProvider build() {
            return new JdbcLeaseTableLockProvider(room(
                    "serialized-by-lease",
                    DELIVERY_THREADS,
                    retryInterval,
                    (workers, timer, signalAll) ->
                            new LeaseTableStore(dataSource(), leaseTime, createsTable(), workers, timer)));
        }
    }
}
