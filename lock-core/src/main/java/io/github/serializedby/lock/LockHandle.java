package io.github.serializedby.lock;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The locks one asynchronous call holds, from {@link LockExecutor#acquireAsync}: released together, once,
 * from any thread.
 */
public final class LockHandle implements AutoCloseable {

    private final List<Lease> leases;
    private final AtomicBoolean released = new AtomicBoolean();

    LockHandle(List<Lease> leases) {
        this.leases = List.copyOf(leases);
    }

    /** The leases held, in the order they were taken. */
    public List<Lease> leases() {
        return leases;
    }

    /** Releases every lease, last taken first. Idempotent. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            Acquirer.releaseAll(leases.toArray(Lease[]::new));
        }
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }
}
