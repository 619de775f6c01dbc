package io.github.serializedby.lock.support;

/**
 * How much waiting one lock name allows in this JVM: callers beyond a bound are refused at once with
 * {@link io.github.serializedby.lock.LockQueueFullException} instead of waiting. {@link WaitBounds} holds
 * the limits of every lock name and the application-wide bound.
 *
 * @param maxWaiters the most callers that may wait for one key of the lock at once
 * @param maxLockWaiters the most callers that may wait for all keys of the lock together
 * @param refuseExpectedWait whether a caller is refused when the callers ahead of it, at the key's recent
 *     hold time, would outlast its wait timeout
 */
public record WaitLimits(int maxWaiters, int maxLockWaiters, boolean refuseExpectedWait) {

    /** No bound: every caller may wait, as providers built without {@link WaitBounds} do. */
    public static final WaitLimits UNBOUNDED = new WaitLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, false);

    /** Checks the bounds. */
    public WaitLimits {
        if (maxWaiters < 0 || maxLockWaiters < 0) {
            throw new IllegalArgumentException("Wait bounds must not be negative");
        }
    }

    /** These limits with another bound per key. */
    public WaitLimits withMaxWaiters(int newMaxWaiters) {
        return new WaitLimits(newMaxWaiters, maxLockWaiters, refuseExpectedWait);
    }
}
