package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.support.StoredLock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A lock held in Redis under a unique token, renewed by the store's {@link LeaseWatchdog} while it is
 * held.
 *
 * <p>Invariant: {@code validUntil} never lies beyond the end of the lease in Redis, because it is counted
 * from the moment the granting or renewing command was sent, before Redis started its own count.
 */
final class RedisHold implements StoredLock {

    private final RedisLockStore store;
    private final String name;
    private final LockKeys keys;
    private final String token;
    private final long fence;
    private final long lastFence;
    /** Until when ({@link System#nanoTime()}) the room may pass the lock on locally. */
    private final long handOffEnd;

    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile long validUntil;
    private volatile long renewedAt;
    private volatile @Nullable Runnable onLost;

    RedisHold(
            RedisLockStore store,
            String name,
            LockKeys keys,
            String token,
            long fence,
            long lastFence,
            long sentAt,
            long handOffSliceNanos) {
        this.store = store;
        this.name = name;
        this.keys = keys;
        this.token = token;
        this.fence = fence;
        this.lastFence = lastFence;
        this.handOffEnd = sentAt + handOffSliceNanos;
        this.validUntil = sentAt + store.leaseNanos();
        this.renewedAt = sentAt;
    }

    /** The name of the lock, for failures. */
    String name() {
        return name;
    }

    LockKeys keys() {
        return keys;
    }

    /** The holder token in Redis's hash (not the fencing token). */
    String holderToken() {
        return token;
    }

    @Override
    public long token() {
        return fence;
    }

    @Override
    public long lastToken() {
        return lastFence;
    }

    /** Held, and within the time slice since its acquisition. */
    @Override
    public boolean mayHandOff() {
        return isValid() && System.nanoTime() - handOffEnd < 0;
    }

    @Override
    public long releaseToOthers() {
        return released.compareAndSet(false, true) ? store.releaseToOthers(this) : 0;
    }

    /** Held: not released, not lost, and the lease has not run out by this JVM's clock. */
    @Override
    public boolean isValid() {
        return !released.get() && !lost.get() && System.nanoTime() - validUntil < 0;
    }

    /** Whether Redis said, or the clock showed, that the lock was no longer held. */
    boolean isLost() {
        return lost.get();
    }

    @Override
    public void onLost(Runnable callback) {
        this.onLost = callback;
    }

    /** Gives the lock back once; fails only when the provider was closed (see {@link RedisLockStore#release}). */
    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            store.release(this);
        }
    }

    /**
     * Called by the watchdog with the current time: renews the lease when due, reports it lost once it
     * ran out. False once the lease no longer needs watching (released or lost).
     */
    boolean check(long now) {
        if (released.get() || lost.get()) {
            return false;
        }
        if (now - validUntil >= 0) {
            markLost();
            return false;
        }
        long renewNanos = store.renewNanos();
        if (renewNanos > 0 && now - renewedAt >= renewNanos - store.watchPeriodNanos()) {
            renew();
        }
        return true;
    }

    private void renew() {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        long sentAt = System.nanoTime();
        var unused = store.renew(this).whenComplete((renewed, failure) -> {
            if (failure == null && renewed != null && renewed == 1L) {
                validUntil = sentAt + store.leaseNanos();
                renewedAt = sentAt;
            } else if (failure == null) {
                markLost();
            }
            // Redis did not answer: the lease may still stand; the next round tries again.
            renewing.set(false);
        });
    }

    private void markLost() {
        Runnable callback = onLost;
        if (!released.get() && lost.compareAndSet(false, true) && callback != null) {
            // Off Lettuce's I/O thread, where a renewal's reply arrives: the listener may block.
            store.execute(callback);
        }
    }
}
