package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A lease whose {@link #release()} runs the provider's release exactly once, however many threads call
 * it and however often.
 */
public abstract class AbstractLease implements Lease {

    private static final AtomicIntegerFieldUpdater<AbstractLease> RELEASED =
            AtomicIntegerFieldUpdater.newUpdater(AbstractLease.class, "released");

    private final LockRequest request;
    private final long fencingToken;
    private volatile int released;

    protected AbstractLease(LockRequest request, long fencingToken) {
        this.request = request;
        this.fencingToken = fencingToken;
    }

    @Override
    public final LockRequest request() {
        return request;
    }

    @Override
    public final long fencingToken() {
        return fencingToken;
    }

    /** False once released; providers whose leases can expire or be lost add their own checks. */
    @Override
    public boolean isValid() {
        return released == 0;
    }

    @Override
    public final void release() {
        if (RELEASED.compareAndSet(this, 0, 1)) {
            doRelease();
        }
    }

    /** Gives the lock back to the provider; called at most once. */
    protected abstract void doRelease();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + request + ", token=" + fencingToken + ", valid=" + isValid() + "]";
    }
}
