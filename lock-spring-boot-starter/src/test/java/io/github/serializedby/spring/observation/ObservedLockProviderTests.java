package io.github.serializedby.spring.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObservedLockProviderTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final InMemoryLockProvider memory = new InMemoryLockProvider();

    @Test
    void anAcquisitionIsObservedWithBoundedTagsAndItsHoldUntilRelease() {
        ObservedLockProvider provider = observed(false);

        Lease lease =
                provider.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();

        assertThat(registry)
                .hasObservationWithNameEqualTo("serialized.lock.acquire")
                .that()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("lock.name", "payments")
                .hasLowCardinalityKeyValue("lock.provider", "in-memory")
                .hasLowCardinalityKeyValue("lock.mode", "exclusive")
                .hasLowCardinalityKeyValue("outcome", "acquired")
                .doesNotHaveHighCardinalityKeyValueWithKey("lock.key");
        assertThat(registry)
                .hasObservationWithNameEqualTo("serialized.lock.held")
                .that()
                .isNotStopped();

        lease.release();
        lease.release();

        assertThat(registry)
                .hasObservationWithNameEqualTo("serialized.lock.held")
                .that()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("lock.name", "payments");
        assertThat(memory.tryAcquire(LockRequest.exclusive("payments", "p-1"))).isPresent();
    }

    @Test
    void aRefusalATimeoutAndACancelledWaitHaveTheirOutcomes() throws Exception {
        ObservedLockProvider provider = observed(false);
        Lease holder =
                memory.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();

        assertThat(provider.tryAcquire(LockRequest.exclusive("payments", "p-1")))
                .isEmpty();
        Optional<Lease> timedOut = provider.acquire(LockRequest.exclusive("payments", "p-1"), Duration.ofMillis(20))
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<Optional<Lease>> cancelled =
                provider.acquire(LockRequest.exclusive("payments", "p-1"), Duration.ofSeconds(30));
        cancelled.cancel(false);
        holder.release();

        assertThat(timedOut).isEmpty();
        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("serialized.lock.acquire", 3)
                .hasAnObservationWithAKeyValue("outcome", "rejected")
                .hasAnObservationWithAKeyValue("outcome", "timeout")
                .hasAnObservationWithAKeyValue("outcome", "cancelled");
        assertThat(memory.tryAcquire(LockRequest.exclusive("payments", "p-1")))
                .as("the cancelled wait left no lock behind")
                .isPresent();
    }

    @Test
    void aRefusalByABoundOnWaitingHasItsOwnOutcomeAndIsNoError() {
        ObservedLockProvider provider =
                new ObservedLockProvider(new RefusingLockProvider(memory), registry, "in-memory", false, null, null);
        memory.tryAcquire(RefusingLockProvider.refused(Bound.GLOBAL)).orElseThrow();
        memory.tryAcquire(RefusingLockProvider.refused(Bound.EXPECTED_WAIT)).orElseThrow();

        assertThatThrownBy(() ->
                        provider.acquireBlocking(RefusingLockProvider.refused(Bound.GLOBAL), Duration.ofSeconds(1)))
                .isInstanceOf(LockQueueFullException.class);
        assertThat(provider.acquire(RefusingLockProvider.refused(Bound.EXPECTED_WAIT), Duration.ofSeconds(1)))
                .isCompletedExceptionally();

        assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("serialized.lock.acquire", 2)
                .hasAnObservationWithAKeyValue("outcome", "queue-full")
                .hasAnObservationWithAKeyValue("outcome", "expected-wait")
                .forAllObservationsWithNameEqualTo(
                        "serialized.lock.acquire", observation -> observation.doesNotHaveError());
    }

    @Test
    void aGrantAfterAWaitIsObservedAsAcquired() throws Exception {
        ObservedLockProvider provider = observed(false);
        Lease holder =
                memory.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();
        CompletableFuture<Optional<Lease>> waiter =
                provider.acquire(LockRequest.exclusive("payments", "p-1"), Duration.ofSeconds(30));

        holder.release();
        Lease granted = waiter.get(10, TimeUnit.SECONDS).orElseThrow();

        assertThat(granted.fencingToken()).isGreaterThan(holder.fencingToken());
        assertThat(registry)
                .hasObservationWithNameEqualTo("serialized.lock.acquire")
                .that()
                .hasLowCardinalityKeyValue("outcome", "acquired");
        granted.release();
    }

    @Test
    void theKeyGoesToSpansOnlyWhenAskedFor() {
        observed(true)
                .tryAcquire(LockRequest.exclusive("payments", "p-1"))
                .orElseThrow()
                .release();

        assertThat(registry)
                .hasObservationWithNameEqualTo("serialized.lock.acquire")
                .that()
                .hasHighCardinalityKeyValue("lock.key", "p-1")
                .doesNotHaveLowCardinalityKeyValueWithKey("lock.key");
    }

    @Test
    void aReplacementConventionIsUsed() {
        LockAcquireObservationConvention custom = new DefaultLockAcquireObservationConvention() {
            @Override
            public String getName() {
                return "my.lock.acquire";
            }
        };
        new ObservedLockProvider(memory, registry, "in-memory", false, custom, null)
                .tryAcquire(LockRequest.exclusive("payments", "p-1"))
                .orElseThrow()
                .release();

        assertThat(registry).hasObservationWithNameEqualTo("my.lock.acquire");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aHandlerThatFailsOnTheGrantFailsTheCallAndLeavesTheKeyFree(boolean failsOnHoldStart) {
        ObservationRegistry failing = ObservationRegistry.create();
        failing.observationConfig().observationHandler(new FailingHandler(failsOnHoldStart));
        ObservedLockProvider provider = new ObservedLockProvider(memory, failing, "in-memory", false, null, null);
        LockRequest request = LockRequest.exclusive("payments", "p-1");

        assertThatThrownBy(() -> provider.tryAcquire(request)).hasMessage("tracing is broken");
        assertThatThrownBy(() -> provider.acquireBlocking(request, Duration.ofSeconds(10)))
                .hasMessage("tracing is broken");

        assertThat(memory.tryAcquire(request)).as("the key is free").isPresent();
    }

    /** Fails when a hold observation starts, or when a granted acquisition's observation stops. */
    private record FailingHandler(boolean onHoldStart) implements ObservationHandler<Observation.Context> {

        @Override
        public void onStart(Observation.Context context) {
            if (onHoldStart && DefaultLockHoldObservationConvention.NAME.equals(context.getName())) {
                throw new IllegalStateException("tracing is broken");
            }
        }

        @Override
        public void onStop(Observation.Context context) {
            if (!onHoldStart && context.getLowCardinalityKeyValue("outcome") != null) {
                throw new IllegalStateException("tracing is broken");
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    private ObservedLockProvider observed(boolean includeKey) {
        return new ObservedLockProvider(memory, registry, "in-memory", includeKey, null, null);
    }
}
