package io.github.serializedby.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Takes and gives back single leases for a {@link LockExecutor}, telling its listener of each step: the
 * one place where a lease is requested from the provider, refused, reused by re-entry, or released.
 *
 * <p>Invariant: every listener call about a request follows the provider's answer to it, and a lease the
 * provider granted is either handed to the caller or released here, never dropped.
 */
final class Acquirer {

    final LockProvider provider;
    final LockListener listener;
    /** Whether a listener wants durations; without one the clock is not read on the fast path. */
    final boolean timed;

    Acquirer(LockProvider provider, LockListener listener, boolean timed) {
        this.provider = provider;
        this.listener = listener;
        this.timed = timed;
    }

    /**
     * The re-entry rule: whether {@code outer}, a lease the caller's chain already holds on the (name, key)
     * of {@code request}, serves it, so that nothing is acquired.
     *
     * @param outer the chain's lease on the same (name, key), or null when it holds none
     * @throws LockUpgradeException when the chain holds the key shared and {@code request} is exclusive
     */
    static boolean reenters(@Nullable Lease outer, LockRequest request) {
        if (outer == null) {
            return false;
        }
        if (!outer.request().mode().covers(request.mode())) {
            throw new LockUpgradeException(request.name());
        }
        return true;
    }

    /**
     * Takes the lock by the policy: one try, or a wait of up to {@code maxWait}. The clock is read only
     * when a listener needs it, so an uncontended call measures no time.
     *
     * @param spentBefore nanoseconds this call already spent on earlier keys, for reporting
     */
    Lease acquire(LockPolicy policy, LockRequest request, Duration maxWait, long spentBefore) {
        listener.acquiring(request, policy);
        long start = timed ? System.nanoTime() : 0;
        Optional<Lease> lease;
        try {
            lease = policy == LockPolicy.FAIL_FAST || maxWait.isNegative() || maxWait.isZero()
                    ? provider.tryAcquire(request)
                    : provider.acquireBlocking(request, maxWait);
        } catch (InterruptedException e) {
            throw interrupted(request, e, start, spentBefore);
        } catch (RuntimeException e) {
            throw unavailable(request, e);
        }
        if (lease.isEmpty()) {
            throw refused(policy, request, timeSpent(policy, maxWait, start, spentBefore));
        }
        Lease granted = lease.get();
        if (timed) {
            acquired(request, waited(start, spentBefore), granted);
        }
        return granted;
    }

    /** Reports a granted lease; if the report fails, the lease is given back and the failure thrown. */
    void acquired(LockRequest request, Duration waited, Lease granted) {
        try {
            listener.acquired(request, waited);
        } catch (Throwable e) {
            releaseAfter(e, granted);
            throw e;
        }
    }

    /** Gives back a lease that was granted but cannot be handed over because of {@code failure}. */
    static void releaseAfter(Throwable failure, Lease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private RuntimeException interrupted(LockRequest request, InterruptedException e, long start, long spentBefore) {
        Thread.currentThread().interrupt();
        listener.cancelled(request, waited(start, spentBefore));
        return new LockInterruptedException(request.name(), e);
    }

    RuntimeException unavailable(LockRequest request, Throwable e) {
        RuntimeException failure = LockProviderUnavailableException.from(request, e);
        listener.failed(request, failure);
        return failure;
    }

    /** How long a call that did not get its key spent; without a listener the clock was not read. */
    private Duration timeSpent(LockPolicy policy, Duration maxWait, long start, long spentBefore) {
        return timed
                ? waited(start, spentBefore)
                : Duration.ofNanos(spentBefore).plus(policy == LockPolicy.WAIT ? maxWait : Duration.ZERO);
    }

    LockNotAcquiredException refused(LockPolicy policy, LockRequest request, Duration waited) {
        if (policy == LockPolicy.FAIL_FAST) {
            listener.rejected(request);
        } else {
            listener.timedOut(request, waited);
        }
        return new LockNotAcquiredException(request.name(), policy, waited);
    }

    /** The failure of a non-blocking acquisition that ended without a lease, reported. */
    RuntimeException notAcquired(LockPolicy policy, LockRequest request, Duration waited, @Nullable Throwable failure) {
        return failure != null ? unavailable(request, unwrap(failure)) : refused(policy, request, waited);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure.getCause();
        return failure instanceof CompletionException && cause != null ? cause : failure;
    }

    private static Duration waited(long start, long spentBefore) {
        return Duration.ofNanos(spentBefore + System.nanoTime() - start);
    }

    /**
     * Releases {@code leases}, last taken first, skipping null slots. An {@link Error} from one release
     * does not stop the others: the first is thrown once all were released, later ones suppressed in it.
     */
    void releaseAll(@Nullable Lease[] leases, long acquiredAt) {
        Error first = null;
        for (int i = leases.length - 1; i >= 0; i--) {
            Lease lease = leases[i];
            if (lease == null) {
                continue;
            }
            try {
                release(lease, acquiredAt);
            } catch (Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Releases one lease; a runtime failure is reported, never thrown: the call's own outcome stands, and
     * the provider's lease runs out by itself.
     */
    void release(Lease lease, long acquiredAt) {
        try {
            lease.release();
            if (timed) {
                listener.released(lease.request(), Duration.ofNanos(System.nanoTime() - acquiredAt));
            }
        } catch (RuntimeException e) {
            listener.failed(lease.request(), e);
        }
    }
}
