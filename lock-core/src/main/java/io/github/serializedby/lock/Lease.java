package io.github.serializedby.lock;

/**
 * A lock granted by a {@link LockProvider}. The lease, not the thread, owns the lock: any thread may
 * release it, which async code needs.
 */
public interface Lease extends AutoCloseable {

    /** What was acquired. */
    LockRequest request();

    /**
     * A number that is larger for every new acquisition of the same key than for any earlier one, so
     * storage can reject a write from a holder whose lease has since passed to someone else.
     */
    long fencingToken();

    /** Whether the lock is still held: false once released, expired or lost. */
    boolean isValid();

    /** Gives the lock up. Idempotent; safe from any thread. */
    void release();

    /** Same as {@link #release()}. */
    @Override
    default void close() {
        release();
    }
}
