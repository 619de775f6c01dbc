package io.github.serializedby.lock.support;

import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link WaitingRoom} takes locks: a shared store (a database, Redis) asked once per attempt,
 * which never waits itself. Waiting, ordering and hand-over are the room's; a store only tries, releases
 * (through its {@link StoredLock}), keeps its holds alive, and tells the room through {@link
 * WaitingRoom#signal} when a release elsewhere may have freed a key.
 *
 * @param <K> the store's identity of a lock, such as a 64-bit hash of name and key; it must have value
 *     equality, since the room keeps one queue per key
 */
public interface LockStore<K> {

    /** The store's key for {@code request}; equal requests must map to equal keys. */
    K key(LockRequest request);

    /**
     * Tries once to take the lock in the store. May block for one round trip; the room calls it from the
     * caller of a blocking method or from its workers, never from a thread that must not block.
     *
     * @param waiting whether the caller is a queued waiter, which may rather wait for a resource (a free
     *     connection) than fail when the store has none to spare
     * @return the held lock, or null when the lock is held elsewhere (or, for a waiter, the store has no
     *     resource to spare now)
     * @throws LockProviderUnavailableException when the store cannot be reached or fails
     */
    @Nullable
    StoredLock tryLock(LockRequest request, K key, boolean waiting);

    /**
     * One more local waiter for {@code key}, whose attempt failed: releases elsewhere should be signalled
     * from now on. Balanced by one {@link #stopWaiting}. Called on the room's workers, or on a caller that
     * blocks anyway. Never throws: a waiter whose announcement failed still tries every {@code
     * recheckInterval}, but one that threw would be left without its deadline.
     *
     * @return whether the waiter should try again at once, since a release between its attempt and this
     *     call may have gone unsignalled
     */
    default boolean startWaiting(K key) {
        return false;
    }

    /** One local waiter for {@code key} no longer waits. Called on the room's workers; never throws. */
    default void stopWaiting(K key) {}
}
