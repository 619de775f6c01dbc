package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.LeaseFutures;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Observes another provider: each acquisition is a {@link LockObservationDocumentation#LOCK_ACQUIRE}
 * observation ending with its outcome, and each granted lease a {@link
 * LockObservationDocumentation#LOCK_HOLD} observation ending at release. Every observation goes
 * through the {@link ObservationRegistry}, so tracing handlers see them as spans; where observations
 * end in meters alone, {@link MeteredLockProvider} records the same meters at a fraction of the cost.
 */
public final class ObservedLockProvider extends ForwardingLockProvider {

    private static final DefaultLockAcquireObservationConvention DEFAULT_ACQUIRE =
            new DefaultLockAcquireObservationConvention();
    private static final DefaultLockHoldObservationConvention DEFAULT_HOLD = new DefaultLockHoldObservationConvention();

    private final ObservationRegistry registry;
    private final String providerName;
    private final boolean includeKey;
    private final @Nullable LockAcquireObservationConvention acquireConvention;
    private final @Nullable LockHoldObservationConvention holdConvention;

    /**
     * @param delegate the provider observed
     * @param registry where observations go
     * @param providerName the provider's tag value
     * @param includeKey whether spans carry the key (high cardinality, possibly personal data)
     * @param acquireConvention replaces the default acquisition convention when not null
     * @param holdConvention replaces the default hold convention when not null
     */
    public ObservedLockProvider(
            LockProvider delegate,
            ObservationRegistry registry,
            String providerName,
            boolean includeKey,
            @Nullable LockAcquireObservationConvention acquireConvention,
            @Nullable LockHoldObservationConvention holdConvention) {
        super(delegate);
        this.registry = registry;
        this.providerName = providerName;
        this.includeKey = includeKey;
        this.acquireConvention = acquireConvention;
        this.holdConvention = holdConvention;
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        LockObservationContext context = context(request);
        Observation observation = startAcquire(context);
        try {
            Optional<Lease> lease = delegate().tryAcquire(request);
            context.setOutcome(lease.isPresent() ? LockOutcome.ACQUIRED : LockOutcome.REJECTED);
            return lease.map(this::hold);
        } catch (RuntimeException | Error e) {
            context.setOutcome(LockOutcome.ERROR);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        LockObservationContext context = context(request);
        Observation observation = startAcquire(context);
        try {
            Optional<Lease> lease = delegate().acquireBlocking(request, maxWait);
            context.setOutcome(lease.isPresent() ? LockOutcome.ACQUIRED : LockOutcome.TIMEOUT);
            return lease.map(this::hold);
        } catch (InterruptedException e) {
            context.setOutcome(LockOutcome.CANCELLED);
            throw e;
        } catch (RuntimeException | Error e) {
            context.setOutcome(LockOutcome.ERROR);
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        LockObservationContext context = context(request);
        Observation observation = startAcquire(context);
        CompletableFuture<Optional<Lease>> pending;
        try {
            pending = delegate().acquire(request, maxWait);
        } catch (RuntimeException | Error e) {
            context.setOutcome(LockOutcome.ERROR);
            observation.error(e);
            observation.stop();
            throw e;
        }
        CompletableFuture<Optional<Lease>> result = LeaseFutures.decorate(pending, this::hold);
        result.whenComplete((granted, failure) -> {
            if (failure == null) {
                context.setOutcome(granted.isPresent() ? LockOutcome.ACQUIRED : LockOutcome.TIMEOUT);
            } else if (unwrap(failure) instanceof CancellationException) {
                context.setOutcome(LockOutcome.CANCELLED);
            } else {
                context.setOutcome(LockOutcome.ERROR);
                observation.error(unwrap(failure));
            }
            observation.stop();
        });
        return result;
    }

    private Observation startAcquire(LockObservationContext context) {
        return LockObservationDocumentation.LOCK_ACQUIRE
                .observation(acquireConvention, DEFAULT_ACQUIRE, () -> context, registry)
                .start();
    }

    private Lease hold(Lease lease) {
        Observation observation = LockObservationDocumentation.LOCK_HOLD
                .observation(holdConvention, DEFAULT_HOLD, () -> context(lease.request()), registry)
                .start();
        return new ObservedLease(lease, observation);
    }

    private LockObservationContext context(LockRequest request) {
        return new LockObservationContext(request, providerName, includeKey);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure.getCause();
        return failure instanceof CompletionException && cause != null ? cause : failure;
    }

    @Override
    public String toString() {
        return "Observed" + delegate();
    }

    /** A lease whose release also ends its hold observation. */
    private static final class ObservedLease extends AbstractLease {

        private final Lease delegate;
        private final Observation observation;

        ObservedLease(Lease delegate, Observation observation) {
            super(delegate.request(), delegate.fencingToken());
            this.delegate = delegate;
            this.observation = observation;
        }

        @Override
        public boolean isValid() {
            return super.isValid() && delegate.isValid();
        }

        @Override
        protected void doRelease() {
            try {
                delegate.release();
            } finally {
                observation.stop();
            }
        }
    }
}
