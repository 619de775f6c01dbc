package io.github.serializedby.lock.support;

/**
 * A lock a {@link LockStore} holds. An exclusive lock backs one lease; a shared lock may back several
 * leases of one JVM, each with a token of the block {@code token()..lastToken()} that the store counted
 * out for it. The store keeps it alive (renewing it if it expires) until {@link #release()}.
 */
public interface StoredLock {

    /** The first fencing token the store handed out with the lock. */
    long token();

    /** The last token reserved with the lock; equal to {@link #token()} when only one was reserved. */
    default long lastToken() {
        return token();
    }

    /** Whether the store still holds the lock, as far as it knows. */
    boolean isValid();

    /**
     * Gives the lock back in the store; called once. A failure is the store's to handle (the lock expires
     * with its lease); the only exception is a {@link io.github.serializedby.lock.LockProviderUnavailableException}
     * once the provider is closed, so that a caller releasing late learns that its release did not reach
     * the store.
     */
    void release();

    /**
     * Registers what to run when the store finds the lock lost (its session ended, its renewal failed);
     * called once, right after {@link LockStore#tryLock} returned it, before any loss is reported.
     */
    void onLost(Runnable callback);
}
