package io.github.serializedby.lock;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ObjLongConsumer;

/**
 * The locks one asynchronous call holds, from {@link LockExecutor#acquireAsync}: released together, once,
 * from any thread.
 */
public final class LockHandle implements AutoCloseable {

    private final List<Lease> leases;
    private final ObjLongConsumer<Lease> release;
    private final long acquiredAt = System.nanoTime();
    private final AtomicBoolean released = new AtomicBoolean();

    LockHandle(List<Lease> leases, ObjLongConsumer<Lease> release) {
        this.leases = List.copyOf(leases);
        this.release = release;
    }

    /** The leases held, in the order they were taken. */
    public List<Lease> leases() {
        return leases;
    }

    /** Releases every lease, last taken first. Idempotent. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            for (int i = leases.size() - 1; i >= 0; i--) {
                release.accept(leases.get(i), acquiredAt);
            }
        }
    }

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }
}
