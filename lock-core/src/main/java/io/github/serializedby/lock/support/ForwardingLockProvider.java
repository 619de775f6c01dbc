package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A provider that passes every call to another one: the base of every decorator (metrics, tracing, the
 * endpoint's tracking, {@link ListeningLockProvider listeners}), which overrides only what it observes, and of a provider that is a front for an inner one
 * (the Redis and JDBC providers before their {@link WaitingRoom}). It overrides every method of {@link
 * LockProvider}, default methods included, so a decorator never falls back to a default and loses the
 * wrapped provider's own implementation (such as a tuned {@link LockProvider#acquireBlocking}).
 *
 * <p>A decorator that observes acquisitions overrides all three ways to acquire; one it leaves alone is
 * forwarded unobserved.
 */
public abstract class ForwardingLockProvider implements LockProvider {

    private final LockProvider delegate;

    protected ForwardingLockProvider(LockProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The provider calls are passed to. */
    protected final LockProvider delegate() {
        return delegate;
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        return delegate.tryAcquire(request);
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        return delegate.acquire(request, maxWait);
    }

    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        return delegate.acquireBlocking(request, maxWait);
    }

    /** The wrapped provider's description, so logs and the health indicator name the real provider. */
    @Override
    public String toString() {
        return delegate.toString();
    }
}
