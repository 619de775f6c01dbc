package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.LockRequest;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationConvention;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one lock name and mode, resolved and registered once (so they read 0 before the first
 * event; an acquisition's {@code error} outcome only once an error names its class): the names and tags
 * the conventions, filters and predicates give, as Micrometer's meter observation handler would register
 * them ({@code error} tag included), except that locks held now are a gauge rather than a long-task timer (a hold costs an
 * increment and a decrement, not a sample in a sorted set). A convention's low-cardinality key values
 * must therefore not depend on the key.
 */
final class LockMeters {

    private static final String NO_ERROR = "none";
    private static final LockOutcome[] OUTCOMES = LockOutcome.values();
    private static final Log LOG = LogFactory.getLog(LockMeters.class);
    private static final Map<MeterRegistry, Map<Meter.Id, LongAdder>> HELD_COUNTS = new WeakHashMap<>();

    private final MeterRegistry registry;
    private final @Nullable String acquireName;
    private final Tags[] acquireTags = new Tags[OUTCOMES.length];
    private final AtomicReferenceArray<Timer> acquireTimers = new AtomicReferenceArray<>(OUTCOMES.length);
    private final @Nullable LongTaskTimer acquireActive;
    private final @Nullable Timer held;
    private final @Nullable LongAdder holding;

    LockMeters(MeterRegistry registry, LockRequest request, MeteredLockProvider.Resolution resolution) {
        this(registry, request, resolution, false);
    }

    /**
     * Registers at 0 the meters Micrometer's meter observation handler records when locks are observed
     * (with tracing): the same timers, and a long-task timer, not a gauge, of the locks held now.
     */
    static void registerObserved(
            MeterRegistry registry, LockRequest request, MeteredLockProvider.Resolution resolution) {
        new LockMeters(registry, request, resolution, true);
    }

    private LockMeters(
            MeterRegistry registry, LockRequest request, MeteredLockProvider.Resolution resolution, boolean observed) {
        this.registry = registry;
        ObservationConvention<LockObservationContext> acquire = resolution.acquireConvention(request);
        if (acquire != null) {
            String name = Objects.requireNonNull(acquire.getName());
            this.acquireName = name;
            for (LockOutcome outcome : OUTCOMES) {
                LockObservationContext context = resolution.context(request);
                context.setOutcome(outcome);
                acquireTags[outcome.ordinal()] = resolution.stopTags(acquire, name, context);
                if (outcome != LockOutcome.ERROR) {
                    acquireTimers.set(
                            outcome.ordinal(),
                            registry.timer(name, acquireTags[outcome.ordinal()].and(Tag.of("error", NO_ERROR))));
                }
            }
            this.acquireActive = resolution.activeMeters()
                    ? registry.more()
                            .longTaskTimer(
                                    name + ".active", resolution.startTags(acquire, name, resolution.context(request)))
                    : null;
        } else {
            this.acquireName = null;
            this.acquireActive = null;
        }
        ObservationConvention<LockObservationContext> hold = resolution.holdConvention(request);
        if (hold != null) {
            String holdName = Objects.requireNonNull(hold.getName());
            this.held = registry.timer(
                    holdName,
                    resolution
                            .stopTags(hold, holdName, resolution.context(request))
                            .and(Tag.of("error", NO_ERROR)));
            Tags activeTags = resolution.startTags(hold, holdName, resolution.context(request));
            if (resolution.activeMeters() && observed) {
                registry.more().longTaskTimer(holdName + ".active", activeTags);
            }
            this.holding = resolution.activeMeters() && !observed
                    ? heldCount(registry, holdName + ".active", activeTags)
                    : null;
        } else {
            this.held = null;
            this.holding = null;
        }
    }

    /** Whether acquisitions are recorded. */
    boolean observesAcquisition() {
        return acquireName != null;
    }

    /** Whether holds are recorded. */
    boolean observesHold() {
        return held != null;
    }

    /** Whether waiting callers are counted by a long-task timer. */
    boolean countsWaiting() {
        return acquireActive != null;
    }

    /** Counts a caller as waiting; null when no long-task timer is kept. */
    LongTaskTimer.@Nullable Sample startWaiting() {
        return acquireActive != null ? acquireActive.start() : null;
    }

    /** Records an acquisition that ended with {@code outcome}, {@code nanos} after it began. */
    void acquired(LockOutcome outcome, long nanos, LongTaskTimer.@Nullable Sample waiting) {
        if (waiting != null) {
            waiting.stop();
        }
        Timer timer = acquireTimers.get(outcome.ordinal());
        if (timer == null) {
            timer = registry.timer(requireName(), acquireTags[outcome.ordinal()].and(Tag.of("error", NO_ERROR)));
            acquireTimers.set(outcome.ordinal(), timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records an acquisition that failed with {@code error}, tagged with its class as the handler does. */
    void failed(Throwable error, long nanos, LongTaskTimer.@Nullable Sample waiting) {
        if (waiting != null) {
            waiting.stop();
        }
        registry.timer(
                        requireName(),
                        acquireTags[LockOutcome.ERROR.ordinal()].and(
                                Tag.of("error", error.getClass().getSimpleName())))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts a lock as held, until {@link #released}. */
    void holding() {
        if (holding != null) {
            holding.increment();
        }
    }

    /** Records a hold of {@code nanos}, which no longer counts as held. */
    void released(long nanos) {
        if (holding != null) {
            holding.decrement();
        }
        if (held != null) {
            held.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private String requireName() {
        if (acquireName == null) {
            throw new IllegalStateException("acquisitions of this lock are not observed");
        }
        return acquireName;
    }

    /**
     * The count behind the gauge {@code name} with {@code tags}, registered on first use. A gauge reads
     * the one object it was first registered with, so every lock whose gauge the registry's filters make
     * the same meter (providers sharing a registry, a filter dropping the mode tag) shares that count: it
     * is looked up by the id the registry kept. Null, with a warning, when the registry already has a
     * meter of another type under that id (the long-task timer that observations with tracing record):
     * the locks are then not counted there, rather than every call of the lock failing.
     */
    private static @Nullable LongAdder heldCount(MeterRegistry registry, String name, Tags tags) {
        LongAdder candidate = new LongAdder();
        synchronized (HELD_COUNTS) {
            Gauge gauge;
            try {
                gauge = Gauge.builder(name, candidate, count -> Math.max(0, count.sum()))
                        .tags(tags)
                        .strongReference(true)
                        .register(registry);
            } catch (IllegalArgumentException e) {
                LOG.warn("Locks held now are not counted in " + name + " " + tags + ": " + e.getMessage());
                return null;
            }
            return HELD_COUNTS
                    .computeIfAbsent(registry, any -> new HashMap<>())
                    .computeIfAbsent(gauge.getId(), id -> candidate);
        }
    }

    static Tags tags(Iterable<KeyValue> keyValues) {
        List<Tag> tags = new ArrayList<>();
        for (KeyValue keyValue : keyValues) {
            tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
        }
        return Tags.of(tags);
    }
}
