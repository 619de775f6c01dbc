package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The wait bounds as configured: defaults, instances and the annotation, one bounds for the provider. */
class WaitBoundsConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByObservationAutoConfiguration.class));

    @Test
    void defaultsAreBoundedAndGivenToTheProvider() {
        runner.run(context -> {
            WaitBounds bounds = context.getBean(WaitBounds.class);
            assertThat(bounds.maxWaiting()).isEqualTo(150);
            assertThat(bounds.defaults()).isEqualTo(new WaitLimits(50, 100, false));
        });
        runner.withPropertyValues("serialized-by.max-waiters=1").run(context -> {
            LockProvider provider = context.getBean(LockProvider.class);
            LockRequest request = LockRequest.exclusive("tickets", "event-1");
            Lease holder = provider.tryAcquire(request).orElseThrow();
            CompletableFuture<Optional<Lease>> waiter = provider.acquire(request, Duration.ofSeconds(20));

            CompletableFuture<Optional<Lease>> refused = provider.acquire(request, Duration.ofSeconds(20));

            assertThat(refused)
                    .isCompletedExceptionally()
                    .failsWithin(Duration.ZERO)
                    .withThrowableOfType(Exception.class)
                    .havingCause()
                    .isInstanceOf(LockQueueFullException.class);
            holder.release();
            waiter.join().orElseThrow().release();
        });
    }

    @Test
    void propertiesInstancesAndTheAnnotationSetTheBoundsPerLockName() {
        runner.withUserConfiguration(TicketsConfiguration.class)
                .withPropertyValues(
                        "serialized-by.max-waiters=20",
                        "serialized-by.max-lock-waiters=40",
                        "serialized-by.max-waiting=60",
                        "serialized-by.refuse-expected-wait=true",
                        "serialized-by.instances.tickets.max-waiters=7",
                        "serialized-by.instances.tickets.refuse-expected-wait=false",
                        "serialized-by.instances.refunds.max-lock-waiters=9")
                .run(context -> {
                    WaitBounds bounds = context.getBean(WaitBounds.class);
                    assertThat(bounds.maxWaiting()).isEqualTo(60);
                    assertThat(bounds.defaults()).isEqualTo(new WaitLimits(20, 40, true));
                    assertThat(bounds.limits("tickets")).isEqualTo(new WaitLimits(7, 40, false));
                    assertThat(bounds.limits("refunds")).isEqualTo(new WaitLimits(20, 9, true));
                    assertThat(bounds.limits("hot-tickets"))
                            .as("the annotation over its instance")
                            .isEqualTo(new WaitLimits(3, 40, false));
                    assertThat(bounds.limits("anything-else")).isEqualTo(bounds.defaults());
                });
    }

    @Test
    void registersAWaitingGaugePerLockName() {
        runner.withUserConfiguration(TicketsConfiguration.class)
                .withPropertyValues("serialized-by.instances.tickets.max-waiters=7")
                .run(context -> {
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("serialized.lock.waiting")
                                    .tag("lock.name", "hot-tickets")
                                    .gauge()
                                    .value())
                            .isZero();
                    assertThat(registry.get("serialized.lock.waiting").gauges())
                            .allSatisfy(gauge -> assertThat(gauge.getId().getTags())
                                    .extracting(tag -> tag.getKey())
                                    .containsExactly("lock.name"));
                });
    }

    @Test
    void methodsSharingALockNameMustAgreeOnItsBounds() {
        runner.withUserConfiguration(ConflictingConfiguration.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .isInstanceOf(SerializedByConfigurationException.class)
                    .hasMessageContaining("methods sharing a lock name share its bounds");
        });
    }

    @Test
    void backsOffToTheApplicationsOwnBounds() {
        WaitBounds own = new WaitBounds(5, WaitLimits.UNBOUNDED);
        runner.withBean(WaitBounds.class, () -> own)
                .run(context -> assertThat(context.getBean(WaitBounds.class)).isSameAs(own));
    }

    public static class Tickets {

        @SerializedBy(value = "#event", instance = "tickets", name = "hot-tickets", maxWaiters = 3)
        public String buy(String event) {
            return event;
        }

        @SerializedBy(value = "#event", name = "tickets")
        public String refund(String event) {
            return event;
        }
    }

    public static class Conflicting {

        @SerializedBy(value = "#id", name = "shared", maxWaiters = 3)
        public String one(String id) {
            return id;
        }

        @SerializedBy(value = "#id", name = "shared", maxWaiters = 4)
        public String other(String id) {
            return id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TicketsConfiguration {
        @Bean
        Tickets tickets() {
            return new Tickets();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ConflictingConfiguration {
        @Bean
        Conflicting conflicting() {
            return new Conflicting();
        }
    }
}
