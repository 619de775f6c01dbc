package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import org.jspecify.annotations.Nullable;

/** Where a {@link WaitingRoom} takes locks: one database round trip per attempt, no waiting. */
interface LockStore extends AutoCloseable {

    /**
     * Tries once to take the lock in the database.
     *
     * @param waiting whether the caller is a queued waiter, which may rather wait for a free connection
     *     than fail when the store has none to spare
     * @return the hold, or null when the lock is held elsewhere (or, for a waiter, no connection is free)
     * @throws LockProviderUnavailableException when the database cannot be reached or fails
     */
    @Nullable
    Hold tryLock(LockRequest request, long lockId, boolean waiting);

    /** Stops the store's background work and gives back its connections. */
    @Override
    void close();
}
