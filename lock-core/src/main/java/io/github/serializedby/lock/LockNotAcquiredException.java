package io.github.serializedby.lock;

import java.time.Duration;

/** The lock is held by someone else: refused at once ({@link LockPolicy#FAIL_FAST}) or after a wait. */
public class LockNotAcquiredException extends LockException {

    private final LockPolicy policy;
    private final Duration waited;

    public LockNotAcquiredException(String lockName, LockPolicy policy, Duration waited) {
        this(
                lockName,
                policy,
                waited,
                "Lock '" + lockName + "' is held by another caller ("
                        + (policy == LockPolicy.FAIL_FAST ? "fail-fast" : "waited " + waited.toMillis() + " ms")
                        + ")");
    }

    /** For subclasses that say why in their own words. */
    protected LockNotAcquiredException(String lockName, LockPolicy policy, Duration waited, String message) {
        super(lockName, message);
        this.policy = policy;
        this.waited = waited;
    }

    /** The policy the caller used. */
    public LockPolicy policy() {
        return policy;
    }

    /** How long the caller waited before giving up. */
    public Duration waited() {
        return waited;
    }

    /** Whether a wait ran out, as opposed to a fail-fast refusal. */
    public boolean timedOut() {
        return policy == LockPolicy.WAIT;
    }
}
