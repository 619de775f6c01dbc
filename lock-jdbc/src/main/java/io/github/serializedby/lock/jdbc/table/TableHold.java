package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.jdbc.HeldLock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** One lease in the lease tables, renewed every third of the lease time while it is held. */
final class TableHold extends HeldLock {

    private final LeaseRows rows;
    private final Duration leaseTime;
    private final LeaseDialect sql;
    private final long lockId;
    private final String owner;
    private final LockMode mode;
    private volatile long validUntil;
    private volatile @Nullable ScheduledFuture<?> renewal;

    TableHold(
            LeaseRows rows,
            Set<TableHold> held,
            LeaseDialect sql,
            long lockId,
            String owner,
            LockMode mode,
            long token,
            long lastToken,
            long sentAt) {
        super(held, token, lastToken);
        this.rows = rows;
        this.leaseTime = rows.leaseTime();
        this.sql = sql;
        this.lockId = lockId;
        this.owner = owner;
        this.mode = mode;
        this.validUntil = sentAt + leaseTime.toNanos();
    }

    /** Renews on {@code workers}, triggered by {@code timer}; a timer that refuses loses the hold at once. */
    void scheduleRenewal(ScheduledExecutorService timer, Executor workers) {
        long period = Math.max(1, leaseTime.toNanos() / 3);
        try {
            renewal = timer.scheduleWithFixedDelay(
                    () -> workers.execute(this::renew), period, period, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            lose();
        }
    }

    /** Valid until the lease would expire by this JVM's clock, counted from before the last renewal. */
    @Override
    public boolean isValid() {
        return super.isValid() && System.nanoTime() - validUntil < 0;
    }

    private void renew() {
        if (!isHeld()) {
            return;
        }
        long sentAt = System.nanoTime();
        boolean renewed;
        try {
            renewed = mode == LockMode.EXCLUSIVE
                    ? rows.renewExclusive(sql, lockId, owner)
                    : rows.renewShared(sql, lockId, owner);
        } catch (SQLException | RuntimeException e) {
            if (System.nanoTime() - validUntil >= 0) {
                lose();
            }
            return;
        }
        if (renewed) {
            validUntil = sentAt + leaseTime.toNanos();
        } else {
            lose();
        }
    }

    /** The lease expired, its row went to someone else, or the provider closes: stop renewing. */
    @Override
    protected void stopHolding() {
        ScheduledFuture<?> scheduled = renewal;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    /** Deletes the lease by owner; if that fails the row simply expires. */
    @Override
    public void release() {
        if (!end()) {
            return;
        }
        stopHolding();
        try {
            if (mode == LockMode.EXCLUSIVE) {
                rows.releaseExclusive(sql, lockId, owner);
            } else {
                rows.releaseShared(sql, lockId, owner);
            }
        } catch (SQLException | RuntimeException e) {
            // the row expires at the end of its lease
        }
    }
}
