package io.github.serializedby.lock;

/** Base of the exceptions the lock API throws; each names the lock, never its key. */
public abstract class LockException extends RuntimeException {

    private final String lockName;

    protected LockException(String lockName, String message, Throwable cause) {
        super(message, cause);
        this.lockName = lockName;
    }

    protected LockException(String lockName, String message) {
        super(message);
        this.lockName = lockName;
    }

    /** The name (namespace) of the lock concerned. */
    public String lockName() {
        return lockName;
    }
}
