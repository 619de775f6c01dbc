package io.github.serializedby.lock;

import java.time.Duration;
import java.util.Objects;

/**
 * The caller was refused at once, without waiting, because waiting would not have been useful: too many
 * callers already wait (for this key, for this lock name, or in the whole application), or the wait
 * expected from the callers ahead and the key's recent hold time exceeds the caller's wait timeout.
 * Unlike a plain {@link LockNotAcquiredException} this says "the system is busy, come back later", not
 * "somebody else is working on this resource".
 */
public class LockQueueFullException extends LockNotAcquiredException {

    /** Which bound refused the caller. */
    public enum Bound {
        /** The key's waiters in this JVM reached the lock's {@code max-waiters}. */
        KEY,
        /** The waiters across all keys of the lock name reached its bound. */
        LOCK,
        /** The waiters across the whole application reached the global bound. */
        GLOBAL,
        /** The callers ahead, at the key's recent hold time, would outlast the caller's wait timeout. */
        EXPECTED_WAIT
    }

    private final Bound bound;
    private final int waiters;
    private final Duration recentHoldTime;

    /**
     * @param lockName the lock's name
     * @param bound the bound that refused the caller
     * @param waiters how many callers were waiting where the bound counts (the key, the lock name or the
     *     application)
     * @param recentHoldTime the key's recent typical hold time, {@link Duration#ZERO} when unknown
     */
    public LockQueueFullException(String lockName, Bound bound, int waiters, Duration recentHoldTime) {
        super(
                lockName,
                LockPolicy.WAIT,
                Duration.ZERO,
                "Lock '" + lockName + "' refused a waiter at once: " + describe(bound) + " (" + waiters + " waiting)");
        this.bound = Objects.requireNonNull(bound, "bound");
        this.waiters = waiters;
        this.recentHoldTime = Objects.requireNonNull(recentHoldTime, "recentHoldTime");
    }

    private static String describe(Bound bound) {
        return switch (bound) {
            case KEY -> "too many callers wait for this key";
            case LOCK -> "too many callers wait for this lock";
            case GLOBAL -> "too many callers wait for locks in this application";
            case EXPECTED_WAIT -> "the callers ahead would outlast the wait timeout";
        };
    }

    /** Which bound refused the caller. */
    public Bound bound() {
        return bound;
    }

    /** How many callers were waiting where the bound counts. */
    public int waiters() {
        return waiters;
    }

    /**
     * The key's recent typical hold time ({@link Duration#ZERO} when unknown): with {@link #waiters()}, a
     * hint of when trying again may succeed.
     */
    public Duration recentHoldTime() {
        return recentHoldTime;
    }

    /** False: the caller did not wait for its timeout, it was refused before waiting. */
    @Override
    public boolean timedOut() {
        return false;
    }
}
