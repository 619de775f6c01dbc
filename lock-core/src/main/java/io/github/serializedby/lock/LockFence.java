package io.github.serializedby.lock;

/**
 * Guards a store against writes from a holder whose lease was lost: before the protected data is read,
 * the fence compares the lease's {@linkplain Lease#fencingToken() token} with the newest token the
 * resource has seen, raises it when the caller's is not older, and refuses the caller otherwise.
 * Implementations make the check and the raise one atomic step in the store they guard.
 */
@FunctionalInterface
public interface LockFence {

    /**
     * Admits the holder of {@code lease} to the resource its request names, or refuses it.
     *
     * @throws StaleFencingTokenException when the resource has already seen a newer token
     */
    void admit(Lease lease);
}
