package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.ForwardingLease;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.LeaseFutures;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationPredicate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Records the meters of {@link LockObservationDocumentation} straight to a {@link MeterRegistry}, for
 * applications whose observations end in meters alone (Spring Boot's actuator without tracing). It
 * gives the same meters, names and tags as {@link ObservedLockProvider} with Micrometer's meter
 * handler, at a fraction of the cost: conventions, filters and predicates are applied once per lock
 * name and mode, locks held now are counted by a gauge rather than a long-task timer, and an uncontended
 * call allocates only its lease wrapper. A call that never waits (a single try, or a blocking call
 * granted at its first try) is not counted as waiting by {@code serialized.lock.acquire.active}.
 *
 * <p>Over 300 lines: each of the three ways to acquire records its own outcome, waiting sample and hold,
 * and the lease wrapper must release what a failing meter would otherwise leak on every path.
 */
public final class MeteredLockProvider extends ForwardingLockProvider {

    private static final LockMode[] MODES = LockMode.values();

    private final MeterRegistry registry;
    private final Clock clock;
    private final Resolution resolution;
    private final ConcurrentHashMap<String, LockMeters[]> meters = new ConcurrentHashMap<>();

    /**
     * @param delegate the provider observed
     * @param registry where the meters go
     * @param resolution how meter names and tags are found
     */
    public MeteredLockProvider(LockProvider delegate, MeterRegistry registry, Resolution resolution) {
        super(delegate);
        this.registry = registry;
        this.clock = registry.config().clock();
        this.resolution = resolution;
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        LockMeters lock = meters(request);
        long start = clock.monotonicTime();
        Optional<Lease> lease;
        try {
            lease = delegate().tryAcquire(request);
        } catch (RuntimeException | Error e) {
            failed(lock, e, start, null);
            throw e;
        }
        return ended(lock, lease, LockOutcome.REJECTED, start, null);
    }

    /**
     * Where waiting callers are counted, tries once first and counts the caller as waiting only when that
     * try fails, so an uncontended grant starts no long-task timer sample; the wait that follows is
     * shortened by the time the try took.
     */
    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        LockMeters lock = meters(request);
        long start = clock.monotonicTime();
        LongTaskTimer.Sample waiting = null;
        Optional<Lease> lease;
        try {
            lease = lock.countsWaiting() ? delegate().tryAcquire(request) : Optional.empty();
            if (lease.isEmpty()) {
                Duration remaining = lock.countsWaiting() ? maxWait.minusNanos(clock.monotonicTime() - start) : maxWait;
                waiting = lock.startWaiting();
                lease = delegate().acquireBlocking(request, remaining);
            }
        } catch (InterruptedException e) {
            if (lock.observesAcquisition()) {
                lock.acquired(LockOutcome.CANCELLED, clock.monotonicTime() - start, waiting);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            failed(lock, e, start, waiting);
            throw e;
        }
        return ended(lock, lease, LockOutcome.TIMEOUT, start, waiting);
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        LockMeters lock = meters(request);
        long start = clock.monotonicTime();
        LongTaskTimer.Sample waiting = lock.observesAcquisition() ? lock.startWaiting() : null;
        CompletableFuture<Optional<Lease>> pending;
        try {
            pending = delegate().acquire(request, maxWait);
        } catch (RuntimeException | Error e) {
            failed(lock, e, start, waiting);
            throw e;
        }
        CompletableFuture<Optional<Lease>> result =
                LeaseFutures.decorate(pending, lease -> hold(lock, lease, clock.monotonicTime()));
        if (lock.observesAcquisition()) {
            result.whenComplete((granted, failure) -> {
                long nanos = clock.monotonicTime() - start;
                if (failure == null) {
                    lock.acquired(granted.isPresent() ? LockOutcome.ACQUIRED : LockOutcome.TIMEOUT, nanos, waiting);
                } else if (LeaseFutures.cause(failure) instanceof CancellationException) {
                    lock.acquired(LockOutcome.CANCELLED, nanos, waiting);
                } else if (LeaseFutures.cause(failure) instanceof LockQueueFullException refusal) {
                    lock.acquired(LockOutcome.refused(refusal), nanos, waiting);
                } else {
                    lock.failed(LeaseFutures.cause(failure), nanos, waiting);
                }
            });
        }
        return result;
    }

    /**
     * Records the acquisition's outcome; a granted lease is handed out with its hold recorded, or
     * released when recording fails.
     */
    private Optional<Lease> ended(
            LockMeters lock,
            Optional<Lease> lease,
            LockOutcome refusal,
            long start,
            LongTaskTimer.@Nullable Sample waiting) {
        long now = clock.monotonicTime();
        if (lease.isEmpty()) {
            if (lock.observesAcquisition()) {
                lock.acquired(refusal, now - start, waiting);
            }
            return lease;
        }
        return Optional.of(ForwardingLease.decorate(lease.get(), granted -> {
            if (lock.observesAcquisition()) {
                lock.acquired(LockOutcome.ACQUIRED, now - start, waiting);
            }
            return hold(lock, granted, now);
        }));
    }

    /** Records a call that threw {@code error}: a refusal by a bound on waiting has its own outcome. */
    private void failed(LockMeters lock, Throwable error, long start, LongTaskTimer.@Nullable Sample waiting) {
        if (!lock.observesAcquisition()) {
            return;
        }
        long nanos = clock.monotonicTime() - start;
        if (error instanceof LockQueueFullException refusal) {
            lock.acquired(LockOutcome.refused(refusal), nanos, waiting);
        } else {
            lock.failed(error, nanos, waiting);
        }
    }

    private Lease hold(LockMeters lock, Lease lease, long since) {
        if (!lock.observesHold()) {
            return lease;
        }
        lock.holding();
        return new MeteredLease(lease, lock, since, clock);
    }

    /**
     * Registers the meters of {@code lockName} in {@code mode} now, as its first call would, so that they
     * read 0 before it.
     */
    public void registerMeters(String lockName, LockMode mode) {
        meters(new LockRequest(lockName, "meters", mode));
    }

    /**
     * Registers the meters of {@code lockName} in {@code mode} where its locks are observations (an
     * {@link ObservedLockProvider}, with tracing) recorded by Micrometer's meter observation handler into
     * {@code registry}, so that they read 0 before the first one, as they do here.
     */
    public static void registerObservedMeters(
            MeterRegistry registry, String lockName, LockMode mode, Resolution resolution) {
        LockMeters.registerObserved(registry, new LockRequest(lockName, "meters", mode), resolution);
    }

    /** The meters of the request's lock name and mode, resolved on first use. */
    private LockMeters meters(LockRequest request) {
        LockMeters[] byMode = meters.get(request.name());
        if (byMode == null) {
            byMode = meters.computeIfAbsent(request.name(), name -> new LockMeters[MODES.length]);
        }
        int mode = request.mode().ordinal();
        LockMeters lock = byMode[mode];
        if (lock == null) {
            synchronized (byMode) {
                lock = byMode[mode];
                if (lock == null) {
                    lock = new LockMeters(registry, request, resolution);
                    byMode[mode] = lock;
                }
            }
        }
        return lock;
    }

    @Override
    public String toString() {
        return "Metered" + delegate();
    }

    /**
     * How the observation API would name and tag a lock's observations: the replacement conventions (or
     * the first matching global convention, or the default), the predicates that may switch an
     * observation off, and the filters applied when it stops.
     *
     * @param providerName the provider's tag value
     * @param acquireConvention replaces the default acquisition convention when not null
     * @param holdConvention replaces the default hold convention when not null
     * @param globalConventions the observation registry's global conventions
     * @param predicates the observation registry's predicates
     * @param filters the observation registry's filters
     * @param activeMeters whether the {@code .active} meters are kept; Micrometer's meter handler drops
     *     them when long-task timers are ignored, and so does this provider
     */
    public record Resolution(
            String providerName,
            @Nullable LockAcquireObservationConvention acquireConvention,
            @Nullable LockHoldObservationConvention holdConvention,
            List<GlobalObservationConvention<?>> globalConventions,
            List<ObservationPredicate> predicates,
            List<ObservationFilter> filters,
            boolean activeMeters) {

        private static final DefaultLockAcquireObservationConvention DEFAULT_ACQUIRE =
                new DefaultLockAcquireObservationConvention();
        private static final DefaultLockHoldObservationConvention DEFAULT_HOLD =
                new DefaultLockHoldObservationConvention();

        public Resolution {
            globalConventions = List.copyOf(globalConventions);
            predicates = List.copyOf(predicates);
            filters = List.copyOf(filters);
        }

        LockObservationContext context(LockRequest request) {
            return new LockObservationContext(request, providerName, false);
        }

        /** The acquisition's convention, or null when a predicate switches it off. */
        @Nullable
        ObservationConvention<LockObservationContext> acquireConvention(LockRequest request) {
            return enabled(acquireConvention != null ? acquireConvention : global(request, DEFAULT_ACQUIRE), request);
        }

        /** The hold's convention, or null when a predicate switches it off. */
        @Nullable
        ObservationConvention<LockObservationContext> holdConvention(LockRequest request) {
            return enabled(holdConvention != null ? holdConvention : global(request, DEFAULT_HOLD), request);
        }

        /** The tags of an observation when it starts. */
        Tags startTags(
                ObservationConvention<LockObservationContext> convention, String name, LockObservationContext context) {
            context.setName(name);
            context.addLowCardinalityKeyValues(convention.getLowCardinalityKeyValues(context));
            return LockMeters.tags(context.getLowCardinalityKeyValues());
        }

        /** The tags of an observation when it stops, after the filters. */
        Tags stopTags(
                ObservationConvention<LockObservationContext> convention, String name, LockObservationContext context) {
            context.setName(name);
            context.addLowCardinalityKeyValues(convention.getLowCardinalityKeyValues(context));
            io.micrometer.observation.Observation.Context filtered = context;
            for (ObservationFilter filter : filters) {
                filtered = filter.map(filtered);
            }
            return LockMeters.tags(filtered.getLowCardinalityKeyValues());
        }

        @SuppressWarnings("unchecked")
        private ObservationConvention<LockObservationContext> global(
                LockRequest request, ObservationConvention<LockObservationContext> fallback) {
            LockObservationContext context = context(request);
            for (GlobalObservationConvention<?> convention : globalConventions) {
                if (convention.supportsContext(context)) {
                    return (ObservationConvention<LockObservationContext>) convention;
                }
            }
            return fallback;
        }

        private @Nullable ObservationConvention<LockObservationContext> enabled(
                ObservationConvention<LockObservationContext> convention, LockRequest request) {
            LockObservationContext context = context(request);
            String name = convention.getName();
            if (name == null) {
                return null;
            }
            context.setName(name);
            for (ObservationPredicate predicate : predicates) {
                if (!predicate.test(name, context)) {
                    return null;
                }
            }
            return convention;
        }
    }

    /** A lease whose release also records its hold. */
    private static final class MeteredLease extends ForwardingLease {

        private final LockMeters meters;
        private final long since;
        private final Clock clock;

        MeteredLease(Lease delegate, LockMeters meters, long since, Clock clock) {
            super(delegate);
            this.meters = meters;
            this.since = since;
            this.clock = clock;
        }

        @Override
        protected void released() {
            meters.released(clock.monotonicTime() - since);
        }
    }
}
