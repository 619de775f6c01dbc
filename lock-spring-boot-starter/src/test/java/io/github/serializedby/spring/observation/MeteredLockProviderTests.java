package io.github.serializedby.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MeteredLockProviderTests {

    @Test
    void recordsTheSameMetersAsAnObservationWithMicrometersMeterHandler() throws Exception {
        SimpleMeterRegistry direct = new SimpleMeterRegistry();
        InMemoryLockProvider directMemory = new InMemoryLockProvider();
        MeteredLockProvider metered =
                new MeteredLockProvider(new RefusingLockProvider(directMemory), direct, resolution());

        SimpleMeterRegistry observed = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(observed));
        InMemoryLockProvider observedMemory = new InMemoryLockProvider();
        ObservedLockProvider observing = new ObservedLockProvider(
                new RefusingLockProvider(observedMemory), observations, "in-memory", false, null, null);

        exercise(metered, directMemory);
        exercise(observing, observedMemory);

        assertThat(withoutUnusedOutcomes(describe(direct)))
                .as("the same, except that locks held now are a gauge and every outcome is there from the start")
                .isEqualTo(heldActiveAsGauge(describe(observed)))
                .isNotEmpty();
    }

    @Test
    void aRefusalByABoundOnWaitingIsCountedByItsOwnOutcomeNotAsAnError() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InMemoryLockProvider memory = new InMemoryLockProvider();
        MeteredLockProvider provider = new MeteredLockProvider(new RefusingLockProvider(memory), meters, resolution());

        for (Bound bound : Bound.values()) {
            memory.tryAcquire(RefusingLockProvider.refused(bound)).orElseThrow();
            assertThatThrownBy(
                            () -> provider.acquireBlocking(RefusingLockProvider.refused(bound), Duration.ofSeconds(1)))
                    .isInstanceOf(LockQueueFullException.class);
        }
        assertThat(provider.acquire(RefusingLockProvider.refused(Bound.KEY), Duration.ofSeconds(1)))
                .isCompletedExceptionally();
        assertThat(provider.acquire(RefusingLockProvider.refused(Bound.EXPECTED_WAIT), Duration.ofSeconds(1)))
                .isCompletedExceptionally();

        assertThat(acquisitions(meters, "queue-full")).isEqualTo(4);
        assertThat(acquisitions(meters, "expected-wait")).isEqualTo(2);
        assertThat(acquisitions(meters, "error")).isZero();
        assertThat(meters.find("serialized.lock.acquire").tagKeys("error").timers())
                .allSatisfy(timer -> assertThat(timer.getId().getTag("error")).isEqualTo("none"));
        assertThat(waiting(meters)).as("no caller left waiting").isZero();
    }

    private static long acquisitions(MeterRegistry meters, String outcome) {
        return meters.find("serialized.lock.acquire").tag("outcome", outcome).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @Test
    void locksHeldNowAreAGaugeThatCountsEachLeaseUntilItsRelease() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeteredLockProvider provider = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());

        Lease first =
                provider.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();
        Lease second =
                provider.tryAcquire(LockRequest.exclusive("payments", "p-2")).orElseThrow();
        assertThat(held(meters)).isEqualTo(2);

        first.release();
        first.release();
        assertThat(held(meters)).isEqualTo(1);
        second.release();
        assertThat(held(meters)).isZero();
        assertThat(meters.find("serialized.lock.held.active").longTaskTimers()).isEmpty();
        assertThat(meters.get("serialized.lock.held.active").gauge().getId().getTags())
                .containsExactlyInAnyOrder(
                        Tag.of("lock.name", "payments"),
                        Tag.of("lock.provider", "in-memory"),
                        Tag.of("lock.mode", "exclusive"));
    }

    @Test
    void providersSharingARegistryShareTheCountOfLocksHeld() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeteredLockProvider one = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());
        MeteredLockProvider other = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());

        Lease first = one.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();
        Lease second =
                other.tryAcquire(LockRequest.exclusive("payments", "p-2")).orElseThrow();
        assertThat(held(meters)).isEqualTo(2);

        first.release();
        second.release();
        assertThat(held(meters)).isZero();
    }

    @Test
    void aFilterThatMakesBothModesOneMeterCountsTheLocksOfBoth() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(MeterFilter.ignoreTags("lock.mode"));
        MeteredLockProvider provider = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());

        Lease writer =
                provider.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();
        Lease reader =
                provider.tryAcquire(LockRequest.shared("payments", "p-2")).orElseThrow();

        assertThat(held(meters)).isEqualTo(2);
        writer.release();
        reader.release();
        assertThat(held(meters)).isZero();
    }

    @Test
    void aMeterOfAnotherTypeUnderTheGaugesNameLeavesTheLocksWorking() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.more()
                .longTaskTimer(
                        "serialized.lock.held.active",
                        Tags.of("lock.name", "payments", "lock.provider", "in-memory", "lock.mode", "exclusive"));
        MeteredLockProvider provider = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());
        LockRequest request = LockRequest.exclusive("payments", "p-1");

        provider.tryAcquire(request).orElseThrow().release();

        assertThat(provider.tryAcquire(request)).as("granted again").isPresent();
        assertThat(meters.get("serialized.lock.held").timer().count()).isEqualTo(1);
    }

    @Test
    void withoutActiveMetersNothingCountsHeldOrWaitingLocks() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeteredLockProvider provider = new MeteredLockProvider(
                new InMemoryLockProvider(),
                meters,
                new MeteredLockProvider.Resolution("in-memory", null, null, List.of(), List.of(), List.of(), false));

        provider.tryAcquire(LockRequest.exclusive("payments", "p-1"))
                .orElseThrow()
                .release();

        assertThat(meters.getMeters())
                .extracting(meter -> meter.getId().getName())
                .containsOnly("serialized.lock.acquire", "serialized.lock.held");
    }

    @Test
    void aHeldLockAndAWaitingCallerAreActiveUntilTheyEnd() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeteredLockProvider provider = new MeteredLockProvider(new InMemoryLockProvider(), meters, resolution());
        LockRequest request = LockRequest.exclusive("payments", "p-1");

        Lease holder = provider.tryAcquire(request).orElseThrow();
        CompletableFuture<java.util.Optional<Lease>> waiter = provider.acquire(request, Duration.ofSeconds(30));

        assertThat(held(meters)).isEqualTo(1);
        assertThat(longTask(meters, "serialized.lock.acquire.active").activeTasks())
                .isEqualTo(1);

        holder.release();
        waiter.get(10, TimeUnit.SECONDS).orElseThrow().release();

        assertThat(held(meters)).isZero();
        assertThat(longTask(meters, "serialized.lock.acquire.active").activeTasks())
                .isZero();
        assertThat(meters.get("serialized.lock.held").timer().count()).isEqualTo(2);
    }

    @Test
    void aBlockingCallIsCountedAsWaitingOnlyOnceItsFirstTryFails() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InMemoryLockProvider memory = new InMemoryLockProvider();
        List<String> asked = new ArrayList<>();
        LockProvider watched = new ForwardingLockProvider(memory) {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                asked.add("try, waiting " + waiting(meters));
                return super.tryAcquire(request);
            }

            @Override
            public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
                asked.add("wait, waiting " + waiting(meters));
                return super.acquireBlocking(request, maxWait);
            }
        };
        MeteredLockProvider provider = new MeteredLockProvider(watched, meters, resolution());
        LockRequest request = LockRequest.exclusive("payments", "p-1");

        provider.acquireBlocking(request, Duration.ofSeconds(10)).orElseThrow().release();
        assertThat(asked).containsExactly("try, waiting 0");

        asked.clear();
        Lease holder = memory.tryAcquire(request).orElseThrow();
        assertThat(provider.acquireBlocking(request, Duration.ofMillis(5))).isEmpty();
        holder.release();
        assertThat(asked).containsExactly("try, waiting 0", "wait, waiting 1");
        assertThat(waiting(meters)).isZero();
        assertThat(meters.get("serialized.lock.acquire")
                        .tag("outcome", "acquired")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("serialized.lock.acquire")
                        .tag("outcome", "timeout")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    private static int waiting(MeterRegistry meters) {
        return longTask(meters, "serialized.lock.acquire.active").activeTasks();
    }

    @Test
    void aPredicateSwitchingTheObservationsOffLeavesTheProviderUnmeasured() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeteredLockProvider provider = new MeteredLockProvider(
                new InMemoryLockProvider(),
                meters,
                new MeteredLockProvider.Resolution(
                        "in-memory",
                        null,
                        null,
                        List.of(),
                        List.of((name, context) -> !name.startsWith("serialized.lock")),
                        List.of(),
                        true));

        provider.tryAcquire(LockRequest.exclusive("payments", "p-1"))
                .orElseThrow()
                .release();

        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void aMeterFilterThatFailsOnTheGrantFailsTheCallAndLeavesTheKeyFree() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (LockOutcome.ACQUIRED.tagValue().equals(id.getTag("outcome"))) {
                    throw new IllegalStateException("metrics are broken");
                }
                return id;
            }
        });
        InMemoryLockProvider memory = new InMemoryLockProvider();
        MeteredLockProvider provider = new MeteredLockProvider(memory, meters, resolution());
        LockRequest request = LockRequest.exclusive("payments", "p-1");

        assertThatThrownBy(() -> provider.tryAcquire(request)).hasMessage("metrics are broken");
        assertThatThrownBy(() -> provider.acquireBlocking(request, Duration.ofSeconds(10)))
                .hasMessage("metrics are broken");

        assertThat(memory.tryAcquire(request)).as("the key is free").isPresent();
    }

    /**
     * Acquired, rejected, timed out, cancelled, by a single try, a blocking wait and an asynchronous wait;
     * refused by a bound on waiting, blocking and asynchronous.
     */
    private static void exercise(LockProvider provider, InMemoryLockProvider memory) throws Exception {
        Lease queueFull =
                memory.tryAcquire(RefusingLockProvider.refused(Bound.KEY)).orElseThrow();
        Lease expectedWait = memory.tryAcquire(RefusingLockProvider.refused(Bound.EXPECTED_WAIT))
                .orElseThrow();
        assertThatThrownBy(
                        () -> provider.acquireBlocking(RefusingLockProvider.refused(Bound.KEY), Duration.ofSeconds(1)))
                .isInstanceOf(LockQueueFullException.class);
        assertThat(provider.acquire(RefusingLockProvider.refused(Bound.EXPECTED_WAIT), Duration.ofSeconds(1)))
                .isCompletedExceptionally();
        queueFull.release();
        expectedWait.release();
        LockRequest request = LockRequest.exclusive("payments", "p-1");
        provider.tryAcquire(request).orElseThrow().release();
        provider.acquireBlocking(request, Duration.ofSeconds(1)).orElseThrow().release();
        provider.acquire(request, Duration.ofSeconds(1))
                .get(10, TimeUnit.SECONDS)
                .orElseThrow()
                .release();
        provider.tryAcquire(LockRequest.shared("payments", "p-2")).orElseThrow().release();
        Lease holder = memory.tryAcquire(request).orElseThrow();
        assertThat(provider.tryAcquire(request)).isEmpty();
        assertThat(provider.acquireBlocking(request, Duration.ofMillis(5))).isEmpty();
        assertThat(provider.acquire(request, Duration.ofMillis(5)).get(10, TimeUnit.SECONDS))
                .isEmpty();
        provider.acquire(request, Duration.ofSeconds(30)).cancel(false);
        holder.release();
    }

    /** Each lock meter by id (name, type, tags) with its count of completed events, or of active ones. */
    private static Map<String, Long> describe(MeterRegistry meters) {
        Map<String, Long> described = new TreeMap<>();
        for (Meter meter : meters.getMeters()) {
            Meter.Id id = meter.getId();
            long count = meter instanceof Timer timer
                    ? timer.count()
                    : meter instanceof LongTaskTimer active
                            ? active.activeTasks()
                            : meter instanceof Gauge gauge ? (long) gauge.value() : -1;
            described.put(id.getName() + " " + id.getType() + " " + id.getTags(), count);
        }
        return described;
    }

    /** What {@link #describe} gives with the long-task timer of locks held now in place of the gauge. */
    private static Map<String, Long> heldActiveAsGauge(Map<String, Long> described) {
        Map<String, Long> replaced = new TreeMap<>();
        described.forEach((id, count) -> replaced.put(
                id.startsWith("serialized.lock.held.active ")
                        ? id.replace(" " + Meter.Type.LONG_TASK_TIMER + " ", " " + Meter.Type.GAUGE + " ")
                        : id,
                count));
        return replaced;
    }

    /** Without the acquisition timers of outcomes that did not happen, which only the direct path registers. */
    private static Map<String, Long> withoutUnusedOutcomes(Map<String, Long> described) {
        Map<String, Long> used = new TreeMap<>(described);
        used.entrySet()
                .removeIf(meter -> meter.getKey().startsWith("serialized.lock.acquire " + Meter.Type.TIMER + " ")
                        && meter.getValue() == 0);
        return used;
    }

    private static double held(MeterRegistry meters) {
        return meters.get("serialized.lock.held.active")
                .tag("lock.name", "payments")
                .gauge()
                .value();
    }

    private static LongTaskTimer longTask(MeterRegistry meters, String name) {
        return meters.get(name).tag("lock.name", "payments").longTaskTimer();
    }

    private static MeteredLockProvider.Resolution resolution() {
        return new MeteredLockProvider.Resolution("in-memory", null, null, List.of(), List.of(), List.of(), true);
    }
}
