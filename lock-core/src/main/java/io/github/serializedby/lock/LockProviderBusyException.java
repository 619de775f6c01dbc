package io.github.serializedby.lock;

/**
 * The provider answered but cannot take another lock now: every resource it locks with is in use (for
 * the PostgreSQL advisory provider, every lock session holds a lock). Like any unavailable provider, the
 * guarded code did not run; unlike one, the provider can be reached.
 */
public class LockProviderBusyException extends LockProviderUnavailableException {

    public LockProviderBusyException(String lockName, Throwable cause) {
        super(lockName, cause);
    }
}
