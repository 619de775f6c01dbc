package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import java.util.function.UnaryOperator;

/**
 * A lease that forwards to the one another provider granted, for a {@link ForwardingLockProvider} that
 * acts when its leases are released (ending a hold's observation or timer).
 */
public abstract class ForwardingLease extends AbstractLease {

    private final Lease delegate;

    protected ForwardingLease(Lease delegate) {
        super(delegate.request(), delegate.fencingToken());
        this.delegate = delegate;
    }

    /**
     * {@code granted} passed through {@code decorate}. When {@code decorate} fails (a tracing handler, a
     * meter filter), {@code granted} is released and the failure thrown: a decorator never keeps a lock
     * it could not hand over.
     */
    public static Lease decorate(Lease granted, UnaryOperator<Lease> decorate) {
        try {
            return decorate.apply(granted);
        } catch (RuntimeException | Error e) {
            try {
                granted.release();
            } catch (RuntimeException | Error releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
    }

    @Override
    public boolean isValid() {
        return super.isValid() && delegate.isValid();
    }

    @Override
    protected final void doRelease() {
        try {
            delegate.release();
        } catch (RuntimeException e) {
            releaseFailed(e);
            throw e;
        } catch (Error e) {
            released();
            throw e;
        }
        released();
    }

    /** Runs once, after the granted lease was released, or its release threw an {@link Error}. */
    protected abstract void released();

    /**
     * Runs once, instead of {@link #released()}, when the granted lease's release threw {@code failure},
     * before it is thrown on; by default the lease counts as released all the same.
     */
    protected void releaseFailed(RuntimeException failure) {
        released();
    }
}
