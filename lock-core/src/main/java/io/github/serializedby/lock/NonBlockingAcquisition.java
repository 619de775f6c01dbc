package io.github.serializedby.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One acquisition of several keys that blocks no thread, for reactive callers: each key is asked of the
 * provider's {@link LockProvider#acquire} in canonical order, the next one when the previous is granted.
 *
 * <p>Invariant: when {@link #result} does not complete with a handle (a refusal, a failure, a
 * cancellation), every lease taken so far has been released, and a lease granted after a cancellation is
 * released too.
 */
final class NonBlockingAcquisition {

    private final Acquirer acquirer;
    private final LockSpec spec;
    private final List<LockRequest> requests;
    private final List<Lease> acquired;
    private final long start = System.nanoTime();
    private final CompletableFuture<LockHandle> result = new CompletableFuture<>();

    /**
     * @param requests the requests of {@code spec} in canonical order
     * @param held the leases the caller's chain holds already; a key among them is not acquired again
     * @param chain the blocking calls the calling thread is inside, whose keys are not acquired again
     *     either (not the leases lent to it: see {@link LockExecutor#executeHolding}); null for none
     * @throws LockUpgradeException when the chain holds a key shared that {@code spec} wants exclusive
     */
    NonBlockingAcquisition(
            Acquirer acquirer, LockSpec spec, LockRequest[] requests, List<Lease> held, @Nullable HeldLeases chain) {
        this.acquirer = acquirer;
        this.spec = spec;
        this.requests = new ArrayList<>(requests.length);
        for (LockRequest request : requests) {
            Lease outer = outer(held, request);
            if (outer == null && chain != null) {
                outer = chain.find(acquirer, request.name(), request.key(), false);
            }
            if (!Acquirer.reenters(outer, request)) {
                this.requests.add(request);
            }
        }
        this.acquired = new ArrayList<>(this.requests.size());
    }

    /** Starts the acquisition; the future completes with the handle or the failure. */
    CompletableFuture<LockHandle> start() {
        acquireNext(0);
        return result;
    }

    private void acquireNext(int index) {
        if (index == requests.size()) {
            LockHandle handle = new LockHandle(acquired);
            if (!result.complete(handle)) {
                handle.release();
            }
            return;
        }
        LockRequest request = requests.get(index);
        Duration remaining = spec.waitTimeout().minusNanos(System.nanoTime() - start);
        CompletableFuture<Optional<Lease>> pending;
        try {
            // A single try goes through acquire too: tryAcquire may block, and this path must not.
            pending = acquirer.provider.acquire(
                    request, spec.policy() == LockPolicy.FAIL_FAST ? Duration.ZERO : remaining);
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Optional<Lease>> step = pending;
        result.whenComplete((handle, failure) -> {
            if (result.isCancelled()) {
                step.cancel(false);
            }
        });
        step.whenComplete((granted, failure) -> {
            Lease lease = failure == null ? granted.orElse(null) : null;
            if (lease != null) {
                acquired.add(lease);
                acquireNext(index + 1);
                return;
            }
            try {
                releaseAcquired();
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                result.completeExceptionally(Acquirer.notAcquired(spec.policy(), request, waited, failure));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
    }

    private void releaseAcquired() {
        Acquirer.releaseAll(acquired.toArray(Lease[]::new));
    }

    private static @Nullable Lease outer(List<Lease> held, LockRequest request) {
        for (Lease lease : held) {
            LockRequest holding = lease.request();
            if (holding.key().equals(request.key()) && holding.name().equals(request.name())) {
                return lease;
            }
        }
        return null;
    }
}
