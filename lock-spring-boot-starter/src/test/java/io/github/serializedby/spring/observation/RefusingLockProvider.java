package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Refuses a wait for a key {@code refused-<bound>} at once, as a bound on waiting would: a blocking call by
 * throwing, an asynchronous one by failing its future. Other calls, and single tries, go to the delegate: a
 * bound refuses only callers that would wait, so the tests hold those keys first.
 */
final class RefusingLockProvider extends ForwardingLockProvider {

    static final String PREFIX = "refused-";

    RefusingLockProvider(LockProvider delegate) {
        super(delegate);
    }

    static LockRequest refused(Bound bound) {
        return LockRequest.exclusive("payments", PREFIX + bound.name());
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        LockQueueFullException refusal = refusal(request);
        return refusal != null ? CompletableFuture.failedFuture(refusal) : super.acquire(request, maxWait);
    }

    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        LockQueueFullException refusal = refusal(request);
        if (refusal != null) {
            throw refusal;
        }
        return super.acquireBlocking(request, maxWait);
    }

    private static @org.jspecify.annotations.Nullable LockQueueFullException refusal(LockRequest request) {
        return request.key().startsWith(PREFIX)
                ? new LockQueueFullException(
                        request.name(),
                        Bound.valueOf(request.key().substring(PREFIX.length())),
                        3,
                        Duration.ofMillis(100))
                : null;
    }
}
