package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tells {@link LockListener}s what happens to the locks asked of another provider, whoever asks (an
 * executor, a reactive call, a direct caller): the decorator through which listeners hear acquisitions
 * and releases, as meters and spans do through theirs. {@link LockListener#leaseLost} is not told here:
 * only a provider sees a lease end, and it tells the listener it was built with.
 *
 * <p>The policy reported to {@link LockListener#acquiring} follows from the call: a single try, or a wait
 * of zero or less, is {@link LockPolicy#FAIL_FAST}; a wait is {@link LockPolicy#WAIT}. Durations are those
 * of this provider's call for that one key.
 *
 * <p>Invariant: each {@code acquiring} is followed by one outcome ({@code acquired}, {@code rejected},
 * {@code timedOut}, {@code cancelled} or {@code failed}), and each {@code acquired} by {@code released}, or
 * by {@code failed} when the release fails. A listener that throws is logged and otherwise ignored, as
 * {@link LockListener#of} does; only a {@link VirtualMachineError} goes through, and then the granted lease
 * is released before it is thrown.
 */
public final class ListeningLockProvider extends ForwardingLockProvider {

    private final LockListener listener;

    /** @param listeners told in their order; one that throws does not stop the others */
    public ListeningLockProvider(LockProvider delegate, List<? extends LockListener> listeners) {
        super(delegate);
        this.listener = LockListener.of(listeners);
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        long start = asking(request, LockPolicy.FAIL_FAST);
        Optional<Lease> granted;
        try {
            granted = delegate().tryAcquire(request);
        } catch (RuntimeException e) {
            throw failed(request, e);
        }
        return answered(request, LockPolicy.FAIL_FAST, granted, start);
    }

    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        LockPolicy policy = policy(maxWait);
        long start = asking(request, policy);
        Optional<Lease> granted;
        try {
            granted = delegate().acquireBlocking(request, maxWait);
        } catch (InterruptedException e) {
            listener.cancelled(request, since(start));
            throw e;
        } catch (RuntimeException e) {
            throw failed(request, e);
        }
        return answered(request, policy, granted, start);
    }

    /**
     * Reports when the wrapped future completes. Cancelling the returned future cancels the wrapped one
     * and is reported as {@code cancelled}; a lease granted after it was cancelled is released unreported.
     */
    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        LockPolicy policy = policy(maxWait);
        long start = asking(request, policy);
        CompletableFuture<Optional<Lease>> pending;
        try {
            pending = delegate().acquire(request, maxWait);
        } catch (RuntimeException e) {
            throw failed(request, e);
        }
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        pending.whenComplete((granted, failure) -> {
            try {
                if (result.isCancelled()) {
                    if (failure == null) {
                        granted.ifPresent(Lease::release);
                    }
                    listener.cancelled(request, since(start));
                } else if (failure != null) {
                    result.completeExceptionally(failed(request, LeaseFutures.cause(failure)));
                } else {
                    Optional<Lease> answer = answered(request, policy, granted, start);
                    if (!result.complete(answer)) {
                        answer.ifPresent(Lease::release);
                    }
                }
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((granted, failure) -> {
            if (result.isCancelled()) {
                pending.cancel(false);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return delegate().toString();
    }

    private long asking(LockRequest request, LockPolicy policy) {
        listener.acquiring(request, policy);
        return System.nanoTime();
    }

    /** The provider's answer, reported; a granted lease reports its release. */
    private Optional<Lease> answered(LockRequest request, LockPolicy policy, Optional<Lease> granted, long start) {
        long now = System.nanoTime();
        Duration waited = Duration.ofNanos(now - start);
        if (granted.isEmpty()) {
            if (policy == LockPolicy.FAIL_FAST) {
                listener.rejected(request);
            } else {
                listener.timedOut(request, waited);
            }
            return granted;
        }
        return Optional.of(ForwardingLease.decorate(granted.get(), lease -> {
            listener.acquired(request, waited);
            return new ListenedLease(lease, listener, now);
        }));
    }

    /** The failure as the caller sees it, reported; an {@link Error} is thrown as it is, unreported. */
    private RuntimeException failed(LockRequest request, Throwable failure) {
        RuntimeException reported = LockProviderUnavailableException.from(request, failure);
        listener.failed(request, reported);
        return reported;
    }

    private static LockPolicy policy(Duration maxWait) {
        return maxWait.isNegative() || maxWait.isZero() ? LockPolicy.FAIL_FAST : LockPolicy.WAIT;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A granted lease whose release is reported with the time it was held, or as a failure. */
    private static final class ListenedLease extends ForwardingLease {

        private final LockListener listener;
        private final long grantedAt;

        ListenedLease(Lease delegate, LockListener listener, long grantedAt) {
            super(delegate);
            this.listener = listener;
            this.grantedAt = grantedAt;
        }

        @Override
        protected void released() {
            listener.released(request(), Duration.ofNanos(System.nanoTime() - grantedAt));
        }

        @Override
        protected void releaseFailed(RuntimeException failure) {
            listener.failed(request(), failure);
        }
    }
}
