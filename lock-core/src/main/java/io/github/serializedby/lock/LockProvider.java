package io.github.serializedby.lock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Hands out leases on (name, key) locks. Implementations are thread-safe.
 *
 * <p>Waiting is asynchronous: {@link #acquire(LockRequest, Duration)} parks no thread. A caller that no
 * longer wants the lock cancels the returned future; a provider that grants the lock to a future that
 * is already done releases that lease itself. Stages depending on the future may run on the thread that
 * released the previous holder, so heavy work belongs in an async stage.
 *
 * <p>A provider that cannot reach its store completes with (or throws) {@link
 * LockProviderUnavailableException}; it never reports a lock as acquired that it does not hold.
 */
public interface LockProvider {

    /** Tries once, now: the lease, or empty when the key is held (or has waiters ahead). */
    Optional<Lease> tryAcquire(LockRequest request);

    /**
     * Waits up to {@code maxWait} for the lock without blocking the calling thread. The future completes
     * with the lease, with empty when the wait ends first, or exceptionally when the provider fails.
     */
    CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait);

    /**
     * Waits up to {@code maxWait} on the calling thread. On interrupt the wait is abandoned and no lock
     * is left behind.
     */
    default Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        CompletableFuture<Optional<Lease>> pending = acquire(request, maxWait);
        try {
            return pending.get();
        } catch (InterruptedException e) {
            if (!pending.cancel(false)) {
                pending.thenAccept(granted -> granted.ifPresent(Lease::release));
            }
            throw e;
        } catch (CancellationException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw LockProviderUnavailableException.from(request, cause != null ? cause : e);
        }
    }
}
