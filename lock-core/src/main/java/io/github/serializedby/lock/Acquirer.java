package io.github.serializedby.lock;

import io.github.serializedby.lock.support.LeaseFutures;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Takes and gives back single leases for a {@link LockExecutor}: the one place where a lease is requested
 * from the provider, refused, reused by re-entry, or released. It observes nothing: listeners and meters
 * decorate the provider.
 *
 * <p>Invariant: a lease the provider granted is either handed to the caller or released here, never
 * dropped.
 */
final class Acquirer {

    final LockProvider provider;

    /** Who holds, in a thread's {@link HeldLeases}, the leases this acquirer's calls lent to the thread. */
    final Object lender = new Object();

    Acquirer(LockProvider provider) {
        this.provider = provider;
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
     * Takes the lock by the policy: one try, or a wait of up to {@code maxWait}. No clock is read: a
     * refusal reports the time the policy allowed.
     *
     * @param spentBefore nanoseconds this call already spent on earlier keys, for the refusal
     */
    Lease acquire(LockPolicy policy, LockRequest request, Duration maxWait, long spentBefore) {
        boolean waits = policy == LockPolicy.WAIT && !maxWait.isNegative() && !maxWait.isZero();
        Optional<Lease> lease;
        try {
            lease = waits ? provider.acquireBlocking(request, maxWait) : provider.tryAcquire(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(request.name(), e);
        } catch (RuntimeException e) {
            throw LockProviderUnavailableException.from(request, e);
        }
        if (lease.isEmpty()) {
            Duration waited = Duration.ofNanos(spentBefore).plus(policy == LockPolicy.WAIT ? maxWait : Duration.ZERO);
            throw new LockNotAcquiredException(request.name(), policy, waited);
        }
        return lease.get();
    }

    /**
     * The failure of a non-blocking acquisition that ended without a lease: a refusal, or the provider's
     * failure as a blocking caller would see it ({@link Error}s as they are).
     */
    static Throwable notAcquired(LockPolicy policy, LockRequest request, Duration waited, @Nullable Throwable failure) {
        if (failure == null) {
            return new LockNotAcquiredException(request.name(), policy, waited);
        }
        Throwable unwrapped = LeaseFutures.cause(failure);
        return unwrapped instanceof Error ? unwrapped : LockProviderUnavailableException.from(request, unwrapped);
    }

    /**
     * Releases {@code leases}, last taken first, skipping null slots. An {@link Error} from one release
     * does not stop the others: the first is thrown once all were released, later ones suppressed in it.
     */
    static void releaseAll(@Nullable Lease[] leases) {
        Error first = null;
        for (int i = leases.length - 1; i >= 0; i--) {
            Lease lease = leases[i];
            if (lease == null) {
                continue;
            }
            try {
                release(lease);
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
     * Releases one lease; a runtime failure is not thrown: the call's own outcome stands, and the
     * provider's lease runs out by itself.
     */
    static void release(Lease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            // A listening provider has reported it; the lease expires in the store.
        }
    }
}
