package io.github.serializedby.lock;

import java.time.Duration;

/**
 * The provider could not tell whether the lock is free (its store is down or timed out). The guarded
 * code did not run.
 */
public class LockProviderUnavailableException extends LockException {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final Duration retryAfter;

    public LockProviderUnavailableException(String lockName, Throwable cause, Duration retryAfter) {
        super(lockName, "Lock provider unavailable for lock '" + lockName + "': " + cause.getMessage(), cause);
        this.retryAfter = retryAfter;
    }

    public LockProviderUnavailableException(String lockName, Throwable cause) {
        this(lockName, cause, DEFAULT_RETRY_AFTER);
    }

    /**
     * Turns a failure of an asynchronous acquisition into what a blocking caller throws: lock exceptions
     * and errors pass through unchanged, anything else becomes a provider-unavailable exception.
     */
    public static RuntimeException from(LockRequest request, Throwable failure) {
        if (failure instanceof LockException lockException) {
            return lockException;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new LockProviderUnavailableException(request.name(), failure);
    }

    /** A hint for when the provider may be back. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
