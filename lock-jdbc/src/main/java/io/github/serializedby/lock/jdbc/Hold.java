package io.github.serializedby.lock.jdbc;

/**
 * A lock a {@link LockStore} holds in its database. An exclusive hold backs one lease; a shared hold may
 * back several leases of one JVM, each with a token of the block {@code token()..lastToken()} that the
 * database counted out for it.
 */
interface Hold {

    /** The first fencing token the database handed out with the lock. */
    long token();

    /** The last token reserved with the lock; equal to {@link #token()} for exclusive holds. */
    long lastToken();

    /** Whether the database still holds the lock, as far as the store knows. */
    boolean isValid();

    /** Gives the lock back in the database; called once. Never throws: a failure is handled by the store. */
    void release();

    /** Registers what to do when the store finds the lock lost; called before any loss is reported. */
    void onLost(Runnable callback);
}
