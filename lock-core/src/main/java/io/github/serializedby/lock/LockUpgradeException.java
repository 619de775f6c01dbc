package io.github.serializedby.lock;

/**
 * A call chain that holds a lock {@link LockMode#SHARED shared} asked for it {@link LockMode#EXCLUSIVE
 * exclusively}. Upgrading in place would deadlock as soon as two shared holders tried it, so it is
 * refused; take the lock exclusively from the start instead.
 */
public class LockUpgradeException extends LockException {

    public LockUpgradeException(String lockName) {
        super(
                lockName,
                "Lock '" + lockName + "' is held SHARED by this call chain and cannot be re-entered EXCLUSIVE;"
                        + " acquire it EXCLUSIVE in the outer call");
    }
}
