package io.github.serializedby.lock;

/**
 * A fence refused a write: the resource has already been written under a newer lease than the caller's,
 * so the caller's lock was lost (expired, taken over) while it ran. The caller's transaction must roll
 * back; nothing it meant to write may be kept.
 */
public class StaleFencingTokenException extends LockException {

    private final long token;
    private final long storedToken;

    /**
     * @param lockName the lock's name
     * @param token the caller's fencing token
     * @param storedToken the newer token the resource was already written under
     */
    public StaleFencingTokenException(String lockName, long token, long storedToken) {
        super(
                lockName,
                "Lock '" + lockName + "' was lost while its holder ran: fencing token " + token + " is older than "
                        + storedToken + ", already seen by the resource");
        this.token = token;
        this.storedToken = storedToken;
    }

    /** The caller's fencing token. */
    public long token() {
        return token;
    }

    /** The newer token the resource was already written under. */
    public long storedToken() {
        return storedToken;
    }
}
