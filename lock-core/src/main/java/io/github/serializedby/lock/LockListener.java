package io.github.serializedby.lock;

import java.time.Duration;
import java.util.List;

/**
 * Hears what happens to locks, for metrics and logs. Every method has a no-op default; implementations
 * must be fast and should not throw. A listener that throws anyway is logged and otherwise ignored by
 * {@link #of}: it never fails a lock call nor keeps a lock held.
 *
 * <p>Acquisitions and releases are told by a {@link io.github.serializedby.lock.support.ListeningLockProvider}
 * around the provider, for every call made through it; {@link #leaseLost} is told by the provider itself,
 * which alone sees a lease end, to the listener it was built with.
 */
public interface LockListener {

    /** A listener that does nothing. */
    LockListener NOOP = new LockListener() {};

    /** One listener telling all of {@code listeners}, in order; one that throws does not stop the others. */
    static LockListener of(List<? extends LockListener> listeners) {
        return listeners.isEmpty() ? NOOP : new CompositeLockListener(listeners);
    }

    /** A caller starts asking for a lock (it may wait from now on). */
    default void acquiring(LockRequest request, LockPolicy policy) {}

    /** The lock was granted after {@code waited}. */
    default void acquired(LockRequest request, Duration waited) {}

    /** A fail-fast caller found the lock held. */
    default void rejected(LockRequest request) {}

    /** A waiting caller gave up at its timeout. */
    default void timedOut(LockRequest request, Duration waited) {}

    /** The caller stopped asking after {@code waited}: its wait was interrupted or its future cancelled. */
    default void cancelled(LockRequest request, Duration waited) {}

    /** The provider failed; the caller did not get the lock. */
    default void failed(LockRequest request, RuntimeException error) {}

    /** The lock was released after being held for {@code held}. */
    default void released(LockRequest request, Duration held) {}

    /** A lease ended while its holder still ran. */
    default void leaseLost(Lease lease) {}
}
