package io.github.serializedby.lock.support;

import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.LockRequest;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounds on waiting in this JVM, shared by every provider of an application: per key and per lock
 * name ({@link WaitLimits}, configurable per name), and over the whole application. A provider asks
 * {@link #admit} when a caller is about to wait, never on the way to a free key, so an uncontended
 * acquisition touches no counter here; a caller that would pass a bound is refused at once with {@link
 * LockQueueFullException}. The bounds count the callers of this JVM only: several instances of an
 * application each allow as many.
 *
 * <p>Invariant: the count of a lock name and the application's count are each the number of admitted
 * callers that have not yet {@linkplain KeyWaiters#leave left}, and never exceed their bound for long:
 * a caller counted beyond one is uncounted before it is refused.
 *
 * <p>One entry is kept per lock name that was configured or waited for; lock names come from code (they
 * are the tag of every lock meter), so their number is bounded like the meters'.
 */
public final class WaitBounds {

    private final int maxWaiting;
    private final WaitLimits defaults;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentHashMap<String, LockCount> locks = new ConcurrentHashMap<>();

    /**
     * @param maxWaiting the most callers that may wait across the application at once
     * @param defaults the limits of every lock name not {@linkplain #configure configured}
     */
    public WaitBounds(int maxWaiting, WaitLimits defaults) {
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must not be negative");
        }
        this.maxWaiting = maxWaiting;
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** No bound at all: what a provider built without bounds uses. */
    public static WaitBounds unbounded() {
        return new WaitBounds(Integer.MAX_VALUE, WaitLimits.UNBOUNDED);
    }

    /** Sets the limits of the lock {@code name}, for the callers that wait from now on. */
    public void configure(String name, WaitLimits limits) {
        Objects.requireNonNull(limits, "limits");
        lock(name).limits = limits;
    }

    /** The limits of the lock {@code name}. */
    public WaitLimits limits(String name) {
        LockCount lock = locks.get(name);
        return lock != null ? lock.limits : defaults;
    }

    /** The limits of lock names not configured. */
    public WaitLimits defaults() {
        return defaults;
    }

    /** The most callers that may wait across the application at once. */
    public int maxWaiting() {
        return maxWaiting;
    }

    /** How many callers wait across the application now. */
    public int waiting() {
        return waiting.get();
    }

    /** How many callers wait for keys of the lock {@code name} now. */
    public int waiting(String name) {
        LockCount lock = locks.get(name);
        return lock != null ? lock.waiting.get() : 0;
    }

    /** How many callers wait now per lock name configured or waited for, by name. */
    public Map<String, Integer> waitingByLock() {
        Map<String, Integer> snapshot = new TreeMap<>();
        locks.forEach((name, lock) -> snapshot.put(name, lock.waiting.get()));
        return snapshot;
    }

    /**
     * Under the monitor of the key's state, when a caller of {@code request} is about to wait on a key
     * whose waiting is {@code key}: counts the caller, or refuses it without counting.
     *
     * @param remainingNanos how long the caller may still wait, for the expected-wait check
     * @throws LockQueueFullException when a bound refuses the caller
     */
    public void admit(LockRequest request, KeyWaiters key, long remainingNanos) {
        String name = request.name();
        LockCount lock = key.lock != null ? key.lock : lock(name);
        WaitLimits limits = lock.limits;
        int ahead = key.count();
        if (ahead >= limits.maxWaiters()) {
            throw refused(name, Bound.KEY, ahead, key);
        }
        long hold = key.holdNanos();
        if (limits.refuseExpectedWait() && hold > 0 && hold > remainingNanos / (ahead + 1L)) {
            throw refused(name, Bound.EXPECTED_WAIT, ahead, key);
        }
        int onLock = lock.waiting.incrementAndGet();
        if (onLock > limits.maxLockWaiters()) {
            lock.waiting.decrementAndGet();
            throw refused(name, Bound.LOCK, onLock - 1, key);
        }
        int all = waiting.incrementAndGet();
        if (all > maxWaiting) {
            waiting.decrementAndGet();
            lock.waiting.decrementAndGet();
            throw refused(name, Bound.GLOBAL, all - 1, key);
        }
        key.enter(lock);
    }

    private static LockQueueFullException refused(String name, Bound bound, int waiters, KeyWaiters key) {
        return new LockQueueFullException(name, bound, waiters, key.recentHoldTime());
    }

    private LockCount lock(String name) {
        return locks.computeIfAbsent(name, ignored -> new LockCount(this));
    }

    /** The waiting of one lock name: its limits and how many of its callers wait now. */
    static final class LockCount {

        private final WaitBounds bounds;
        final AtomicInteger waiting = new AtomicInteger();
        volatile WaitLimits limits;

        LockCount(WaitBounds bounds) {
            this.bounds = bounds;
            this.limits = bounds.defaults;
        }

        void leave() {
            waiting.decrementAndGet();
            bounds.waiting.decrementAndGet();
        }
    }
}
