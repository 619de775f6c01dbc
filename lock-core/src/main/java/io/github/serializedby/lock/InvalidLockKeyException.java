package io.github.serializedby.lock;

/**
 * A lock key that cannot be locked faithfully, refused before any provider sees it: longer than {@link
 * LockRequest#MAX_KEY_LENGTH}, or not well-formed UTF-16 text (a lone surrogate, which the UTF-8
 * encoding of Redis and SQL providers would turn into {@code ?}, so that distinct keys shared a lock).
 * The message names the lock and the reason, never the key.
 */
public class InvalidLockKeyException extends LockException {

    private final String reason;

    /**
     * @param lockName the name of the lock whose key was refused
     * @param reason why, without the key's content, e.g. "longer than 1024 characters"
     */
    public InvalidLockKeyException(String lockName, String reason) {
        this(lockName, reason, "Key of lock '" + lockName + "' refused: " + reason);
    }

    /** For subclasses that word their own message; it must not contain the key. */
    protected InvalidLockKeyException(String lockName, String reason, String message) {
        super(lockName, message);
        this.reason = reason;
    }

    /** Why the key was refused, without its content. */
    public String reason() {
        return reason;
    }
}
