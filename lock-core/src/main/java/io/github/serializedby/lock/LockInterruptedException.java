package io.github.serializedby.lock;

/** The thread was interrupted while waiting for a lock; its interrupt flag is set again. */
public class LockInterruptedException extends LockException {

    public LockInterruptedException(String lockName, InterruptedException cause) {
        super(lockName, "Interrupted while waiting for lock '" + lockName + "'", cause);
    }
}
