package io.github.serializedby.lock;

/**
 * A lease ended while its holder still ran (it expired, or its renewal failed); another caller may hold
 * the lock now. Writes guarded by the lease's fencing token will be rejected.
 */
public class LeaseLostException extends LockException {

    private final long fencingToken;

    public LeaseLostException(String lockName, long fencingToken, String reason) {
        super(lockName, "Lease on lock '" + lockName + "' (token " + fencingToken + ") was lost: " + reason);
        this.fencingToken = fencingToken;
    }

    /** The token of the lost lease. */
    public long fencingToken() {
        return fencingToken;
    }
}
