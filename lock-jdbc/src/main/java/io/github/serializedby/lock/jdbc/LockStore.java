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

    /**
     * One more waiter for {@code lockId}, whose attempt failed: releases elsewhere should be announced from
     * now on. Balanced by one {@link #stopWaiting}.
     *
     * @return whether the waiter should try again at once, since a release between its attempt and this
     *     call went unannounced
     */
    default boolean startWaiting(long lockId) {
        return false;
    }

    /** One waiter for {@code lockId} no longer waits. */
    default void stopWaiting(long lockId) {}

    /** Stops the store's background work and gives back its connections. */
    @Override
    void close();
}
