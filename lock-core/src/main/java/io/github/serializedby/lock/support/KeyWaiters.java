package io.github.serializedby.lock.support;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The waiting on one key of a provider, as {@link WaitBounds} counts it: how many callers wait, and how
 * long the key was recently held. A provider keeps one in the state of each key that has waiters and
 * changes it only under that state's monitor; nothing here is touched while the key has no waiters.
 *
 * <p>Invariant: every caller {@linkplain WaitBounds#admit admitted} leaves exactly once, through {@link
 * #leave}, and then the counts of its lock name and of the application fall by one with this one.
 */
public final class KeyWaiters {

    /** Weight of the newest hold in the recent hold time: an average of about the last four holds. */
    private static final int SMOOTHING = 4;

    private int count;
    private long holdNanos;
    private long contendedSinceNanos;

    WaitBounds.@Nullable LockCount lock;

    /** How many callers wait for the key now. */
    public int count() {
        return count;
    }

    /** The key's recent typical hold time, {@link Duration#ZERO} while unknown. */
    public Duration recentHoldTime() {
        return Duration.ofNanos(holdNanos);
    }

    long holdNanos() {
        return holdNanos;
    }

    /**
     * What a lease granted now records as its start: the time if the key has waiters (a hold they will
     * measure), else 0, so that an uncontended grant reads no clock.
     */
    public long grantTime() {
        return count > 0 ? System.nanoTime() : 0;
    }

    /**
     * A holder of the key released while callers wait: its hold, from {@code grantedNanos} (0 when it was
     * granted before anyone waited, its hold then counted from the first waiter) joins the recent hold time.
     */
    public void released(long grantedNanos) {
        if (count == 0) {
            return;
        }
        long start = grantedNanos != 0 ? grantedNanos : contendedSinceNanos;
        long held = Math.max(0, System.nanoTime() - start);
        holdNanos = holdNanos == 0 ? held : holdNanos + (held - holdNanos) / SMOOTHING;
    }

    /** Counts an admitted waiter; {@link WaitBounds#admit} already counted it for its name and the application. */
    void enter(WaitBounds.LockCount admittedBy) {
        if (count++ == 0) {
            contendedSinceNanos = System.nanoTime();
        }
        lock = admittedBy;
    }

    /** An admitted waiter leaves (granted, timed out, cancelled, failed): its slots are free again. */
    public void leave() {
        WaitBounds.LockCount counted = lock;
        if (count == 0 || counted == null) {
            throw new IllegalStateException("No waiter to leave");
        }
        count--;
        counted.leave();
    }
}
