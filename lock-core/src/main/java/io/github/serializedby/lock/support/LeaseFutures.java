package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/** Helpers for providers that decorate another provider's asynchronous acquisitions. */
public final class LeaseFutures {

    private LeaseFutures() {}

    /** The failure a future completed with, as its dependent stages see it but without their wrapper. */
    public static Throwable cause(Throwable failure) {
        Throwable cause = failure.getCause();
        return failure instanceof CompletionException && cause != null ? cause : failure;
    }

    /**
     * A future that completes like {@code source}, with the lease passed through {@code decorate}, and
     * keeps the {@link io.github.serializedby.lock.LockProvider} contract: cancelling it cancels {@code
     * source}, a lease granted after it was cancelled is released, never lost, and so is one that {@code
     * decorate} fails on (the future then completes with that failure).
     */
    public static CompletableFuture<Optional<Lease>> decorate(
            CompletableFuture<Optional<Lease>> source, UnaryOperator<Lease> decorate) {
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        source.whenComplete((granted, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (granted.isEmpty()) {
                result.complete(granted);
            } else {
                Lease lease;
                try {
                    lease = ForwardingLease.decorate(granted.get(), decorate);
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                    return;
                }
                if (!result.complete(Optional.of(lease))) {
                    lease.release();
                }
            }
        });
        result.whenComplete((granted, failure) -> {
            if (result.isCancelled()) {
                source.cancel(false);
            }
        });
        return result;
    }
}
