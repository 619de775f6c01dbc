package io.github.serializedby.lock.support;

/**
 * A lock a {@link LockStore} holds. A shared lock may back several leases of one JVM at once, and an
 * exclusive lock several in turn (the room passes it from a releasing holder to the next local waiter
 * while the store {@linkplain #mayHandOff allows}); each lease gets a token of the block {@code
 * token()..lastToken()} that the store counted out with the lock. The store keeps it alive (renewing it if
 * it expires) until {@link #release()}.
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
     * Whether the room may pass this exclusive lock from its releasing holder to the next local waiter now,
     * without giving it back: the store's fairness bound (such as a time slice since the lock was taken)
     * has not run out. The tokens left in the block bound the number of such hand-offs. False unless the
     * store allows hand-offs.
     */
    default boolean mayHandOff() {
        return false;
    }

    /**
     * Gives the lock back, like {@link #release()}, while local waiters for the key remain: the store
     * records them as waiting (so that a release elsewhere is signalled) and answers whether another
     * process waits for the lock, in which case the room lets that process take it first rather than trying
     * again at once. Called once, instead of {@code release()}, by a room whose waiters are counted by
     * {@link LockStore#startWaiting}.
     *
     * @return for how long, in nanoseconds, the local waiters should leave the lock to another process
     *     unless its release is signalled sooner (how long that process's claim to be waiting lasts); zero
     *     when no other process waits
     */
    default long releaseToOthers() {
        release();
        return 0;
    }

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
