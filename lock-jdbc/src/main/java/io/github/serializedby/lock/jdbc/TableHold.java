package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.support.StoredLock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One lease in the lease tables, renewed every third of the lease time until it is released or lost.
 * Invariant: a hold is in its store's {@code held} set exactly while it renews, and only the one call
 * that removes it from the set (a release or a loss) acts on its end.
 */
final class TableHold implements StoredLock {

    private final LeaseRows rows;
    private final Set<TableHold> held;
    private final Duration leaseTime;
    private final LeaseDialect sql;
    private final long lockId;
    private final String owner;
    private final LockMode mode;
    private final long token;
    private final long lastToken;
    private volatile long validUntil;
    private volatile boolean lost;
    private volatile @Nullable Runnable onLost;
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
        this.rows = rows;
        this.held = held;
        this.leaseTime = rows.leaseTime();
        this.sql = sql;
        this.lockId = lockId;
        this.owner = owner;
        this.mode = mode;
        this.token = token;
        this.lastToken = lastToken;
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

    @Override
    public long token() {
        return token;
    }

    @Override
    public long lastToken() {
        return lastToken;
    }

    /** Valid until the lease would expire by this JVM's clock, counted from before the last renewal. */
    @Override
    public boolean isValid() {
        return !lost && System.nanoTime() - validUntil < 0;
    }

    @Override
    public void onLost(Runnable callback) {
        this.onLost = callback;
    }

    private void renew() {
        if (!held.contains(this)) {
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

    /** The lease expired or its row went to someone else: stop renewing and tell the listener. */
    void lose() {
        if (!held.remove(this)) {
            return;
        }
        lost = true;
        cancelRenewal();
        Runnable callback = onLost;
        if (callback != null) {
            callback.run();
        }
    }

    private void cancelRenewal() {
        ScheduledFuture<?> scheduled = renewal;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    /** Deletes the lease by owner; if that fails the row simply expires. */
    @Override
    public void release() {
        if (!held.remove(this)) {
            return;
        }
        cancelRenewal();
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
