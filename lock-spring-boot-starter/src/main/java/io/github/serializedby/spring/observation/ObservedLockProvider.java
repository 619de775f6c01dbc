package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.ForwardingLease;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.LeaseFutures;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
        Optional<Lease> lease;
        try {
            lease = delegate().tryAcquire(request);
        } catch (RuntimeException | Error e) {
            failed(context, observation, e);
            throw e;
        }
        return ended(context, observation, lease, LockOutcome.REJECTED);
    }

    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        LockObservationContext context = context(request);
        Observation observation = startAcquire(context);
        Optional<Lease> lease;
        try {
            lease = delegate().acquireBlocking(request, maxWait);
        } catch (InterruptedException e) {
            context.setOutcome(LockOutcome.CANCELLED);
            observation.stop();
            throw e;
        } catch (RuntimeException | Error e) {
            failed(context, observation, e);
            throw e;
        }
        return ended(context, observation, lease, LockOutcome.TIMEOUT);
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        LockObservationContext context = context(request);
        Observation observation = startAcquire(context);
        CompletableFuture<Optional<Lease>> pending;
        try {
            pending = delegate().acquire(request, maxWait);
        } catch (RuntimeException | Error e) {
            failed(context, observation, e);
            throw e;
        }
        CompletableFuture<Optional<Lease>> result = LeaseFutures.decorate(pending, this::hold);
        result.whenComplete((granted, failure) -> {
            if (failure == null) {
                context.setOutcome(granted.isPresent() ? LockOutcome.ACQUIRED : LockOutcome.TIMEOUT);
                observation.stop();
            } else if (LeaseFutures.cause(failure) instanceof CancellationException) {
                context.setOutcome(LockOutcome.CANCELLED);
                observation.stop();
            } else {
                failed(context, observation, LeaseFutures.cause(failure));
            }
        });
        return result;
    }

    /**
     * Ends the acquisition's observation with its outcome; a granted lease is handed out under a hold
     * observation, or released when observing fails.
     */
    private Optional<Lease> ended(
            LockObservationContext context, Observation observation, Optional<Lease> lease, LockOutcome refusal) {
        if (lease.isEmpty()) {
            context.setOutcome(refusal);
            observation.stop();
            return lease;
        }
        return Optional.of(ForwardingLease.decorate(lease.get(), granted -> {
            context.setOutcome(LockOutcome.ACQUIRED);
            observation.stop();
            return hold(granted);
        }));
    }

    /** Ends an acquisition that threw {@code error}: a refusal by a bound on waiting has its own outcome. */
    private static void failed(LockObservationContext context, Observation observation, Throwable error) {
        if (error instanceof LockQueueFullException refusal) {
            context.setOutcome(LockOutcome.refused(refusal));
        } else {
            context.setOutcome(LockOutcome.ERROR);
            observation.error(error);
        }
        observation.stop();
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

    @Override
    public String toString() {
        return "Observed" + delegate();
    }

    /** A lease whose release also ends its hold observation. */
    private static final class ObservedLease extends ForwardingLease {

        private final Observation observation;

        ObservedLease(Lease delegate, Observation observation) {
            super(delegate);
            this.observation = observation;
        }

        @Override
        protected void released() {
            observation.stop();
        }
    }
}
