package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.LockIds;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.StoredLock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Locks as rows of a lease table: each lock taken through {@link LeaseRows} becomes a {@link TableHold}
 * that renews itself until it is released or lost. The tables are checked through {@link LeaseSchema}
 * before the first lock.
 */
final class LeaseTableStore implements LockStore<Long>, AutoCloseable {

    private final LeaseSchema schema;
    private final LeaseRows rows;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Set<TableHold> held = ConcurrentHashMap.newKeySet();

    LeaseTableStore(
            DataSource dataSource,
            Duration leaseTime,
            boolean createTable,
            Executor workers,
            ScheduledExecutorService timer) {
        this.schema = new LeaseSchema(dataSource, createTable);
        this.rows = new LeaseRows(dataSource, leaseTime);
        this.workers = workers;
        this.timer = timer;
    }

    /** Finds the dialect and checks the tables now; a database that cannot be reached leaves it for later. */
    void prepareEagerly() {
        try {
            schema.dialect();
        } catch (SQLException e) {
            // unreachable now: prepared before the first lock
        }
    }

    @Override
    public Long key(LockRequest request) {
        return LockIds.of(request);
    }

    @Override
    public @Nullable StoredLock tryLock(LockRequest request, Long lockId, boolean waiting) {
        String owner = UUID.randomUUID().toString();
        long sentAt = System.nanoTime();
        try {
            LeaseDialect sql = schema.dialect();
            long[] tokens = request.mode() == LockMode.EXCLUSIVE
                    ? rows.takeExclusive(sql, lockId, owner)
                    : rows.takeShared(sql, lockId, owner);
            if (tokens == null) {
                return null;
            }
            TableHold hold =
                    new TableHold(rows, held, sql, lockId, owner, request.mode(), tokens[0], tokens[1], sentAt);
            held.add(hold);
            hold.scheduleRenewal(timer, workers);
            return hold;
        } catch (SQLException e) {
            throw new LockProviderUnavailableException(request.name(), e);
        }
    }

    int heldCount() {
        return held.size();
    }

    /** Stops renewing; the rows of leases still held expire by themselves. */
    @Override
    public void close() {
        for (TableHold hold : List.copyOf(held)) {
            hold.lose();
        }
    }
}
