package io.github.serializedby.lock;

/**
 * The provider could not tell whether the lock is free (its store is down or timed out). The guarded
 * code did not run.
 */
public class LockProviderUnavailableException extends LockException {

    public LockProviderUnavailableException(String lockName, Throwable cause) {
        super(lockName, "Lock provider unavailable for lock '" + lockName + "': " + cause.getMessage(), cause);
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
}
