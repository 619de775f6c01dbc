package io.github.serializedby.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.actuate.LockActivity;
import io.github.serializedby.spring.autoconfigure.LockProviderDecorator;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByEndpointAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByJdbcAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class LockMetricsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByObservationAutoConfiguration.class))
            .withUserConfiguration(PaymentsConfiguration.class);

    @Test
    void contendedCallsShowUpAsTimersLongTaskTimersAndGaugesTaggedByLockNameAndOutcome() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Gates gates = context.getBean(Gates.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<?> holder = threads.submit(() -> {
                    payments.conduct("p-1");
                    return null;
                });
                assertThat(gates.inside.await(10, TimeUnit.SECONDS)).isTrue();

                assertThatThrownBy(() -> payments.conductOnce("p-1")).isInstanceOf(LockNotAcquiredException.class);
                assertThat(held(meters)).isEqualTo(1);

                Future<?> waiter = threads.submit(() -> {
                    payments.conduct("p-1");
                    return null;
                });
                awaitActive(longTask(meters, "serialized.lock.acquire.active"), 1);

                gates.release.countDown();
                holder.get(10, TimeUnit.SECONDS);
                waiter.get(10, TimeUnit.SECONDS);
            } finally {
                threads.shutdownNow();
            }

            assertThat(timer(meters, "serialized.lock.acquire", "acquired").count())
                    .isEqualTo(2);
            assertThat(timer(meters, "serialized.lock.acquire", "rejected").count())
                    .isEqualTo(1);
            assertThat(meters.get("serialized.lock.held")
                            .tag("lock.name", "payments")
                            .timer()
                            .count())
                    .isEqualTo(2);
            assertThat(held(meters)).isZero();
            assertThat(longTask(meters, "serialized.lock.acquire.active").activeTasks())
                    .isZero();
            for (Meter meter : meters.getMeters()) {
                if (meter.getId().getName().startsWith("serialized.lock")) {
                    assertThat(meter.getId().getDescription())
                            .as("description of %s", meter.getId())
                            .isNotBlank();
                    assertThat(meter.getId().getTags())
                            .as("tags of %s never carry the key", meter.getId())
                            .noneMatch(tag -> tag.getValue().equals("p-1"));
                }
            }
        });
    }

    @Test
    void ignoringLongTaskTimersLeavesOutEveryActiveMeter() {
        runner.withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer")
                .run(context -> {
                    assertThat(context.getBean(Payments.class).conductOnce("p-5"))
                            .isEqualTo("paid p-5");

                    assertThat(context.getBean(MeterRegistry.class).getMeters())
                            .extracting(meter -> meter.getId().getName())
                            .filteredOn(name -> name.startsWith("serialized.lock"))
                            .contains("serialized.lock.acquire", "serialized.lock.held")
                            .doesNotContain("serialized.lock.acquire.active", "serialized.lock.held.active");
                });
    }

    @Test
    void lostLeasesAreCounted() {
        runner.run(context -> {
            LockListener listeners = LockListener.of(
                    context.getBeanProvider(LockListener.class).orderedStream().toList());
            listeners.leaseLost(new AbstractLease(LockRequest.exclusive("payments", "p-1"), 7) {
                @Override
                protected void doRelease() {}
            });

            assertThat(context.getBean(MeterRegistry.class)
                            .get("serialized.lock.lease.lost")
                            .tag("lock.name", "payments")
                            .counter()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void everyMeterOfAKnownLockNameIsThereAtZeroRightAfterStartUp() {
        runner.withPropertyValues("serialized-by.instances.orders.mode=shared").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            for (String name : new String[] {"payments", "orders"}) {
                assertThat(meters.get("serialized.lock.lease.lost")
                                .tag("lock.name", name)
                                .counter()
                                .count())
                        .as("lost leases of %s", name)
                        .isZero();
            }
            for (String outcome :
                    new String[] {"acquired", "rejected", "timeout", "cancelled", "queue-full", "expected-wait"}) {
                assertThat(meters.get("serialized.lock.acquire")
                                .tags("lock.name", "payments", "lock.mode", "exclusive", "outcome", outcome)
                                .tag("error", "none")
                                .timer()
                                .count())
                        .as("acquisitions of payments with outcome %s", outcome)
                        .isZero();
            }
            assertThat(meters.get("serialized.lock.acquire.active")
                            .tags("lock.name", "orders", "lock.mode", "shared")
                            .longTaskTimer()
                            .activeTasks())
                    .isZero();
            assertThat(meters.get("serialized.lock.held")
                            .tags("lock.name", "orders", "lock.mode", "shared")
                            .timer()
                            .count())
                    .isZero();
            assertThat(meters.get("serialized.lock.held.active")
                            .tags("lock.name", "payments", "lock.mode", "exclusive")
                            .gauge()
                            .value())
                    .isZero();
        });
    }

    @Test
    void providerTagNamesTheInMemoryProviderWhenTheLocksEndpointTracksLocks() {
        runner.withConfiguration(AutoConfigurations.of(SerializedByEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=locks")
                .run(context -> {
                    assertThat(context).hasSingleBean(LockActivity.class);
                    assertThat(context.getBean(Payments.class).conductOnce("p-3"))
                            .isEqualTo("paid p-3");

                    assertThat(providerTags(context.getBean(MeterRegistry.class)))
                            .containsExactly("in-memory");
                });
    }

    @Test
    void providerTagNamesTheLeaseTableProviderWhenTheLocksEndpointTracksLocks() {
        runner.withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        SerializedByJdbcAutoConfiguration.class,
                        SerializedByEndpointAutoConfiguration.class))
                .withPropertyValues(
                        "management.endpoints.web.exposure.include=locks",
                        "spring.datasource.url=jdbc:h2:mem:metrics-provider-tag;DB_CLOSE_DELAY=-1",
                        "serialized-by.provider=jdbc",
                        "serialized-by.jdbc.create-table=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(LockActivity.class);
                    assertThat(context.getBean(Payments.class).conductOnce("p-4"))
                            .isEqualTo("paid p-4");

                    assertThat(providerTags(context.getBean(MeterRegistry.class)))
                            .containsExactly("jdbc-lease-table");
                });
    }

    private static Set<String> providerTags(MeterRegistry meters) {
        Set<String> tags = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            String provider = meter.getId().getTag("lock.provider");
            if (meter.getId().getName().startsWith("serialized.lock") && provider != null) {
                tags.add(provider);
            }
        }
        return tags;
    }

    @Test
    void offWhenSwitchedOff() {
        runner.withPropertyValues("serialized-by.observation.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(LockProviderDecorator.class));
    }

    @Test
    void offCleanlyWithoutMicrometer() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        SerializedByAutoConfiguration.class, SerializedByObservationAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(ObservationRegistry.class, MeterRegistry.class))
                .withUserConfiguration(PaymentsConfiguration.class)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(LockProviderDecorator.class);
                    assertThat(context.getBean(Payments.class).conductOnce("p-2"))
                            .isEqualTo("paid p-2");
                });
    }

    private static Timer timer(MeterRegistry meters, String name, String outcome) {
        return meters.get(name)
                .tag("lock.name", "payments")
                .tag("lock.provider", "in-memory")
                .tag("outcome", outcome)
                .timer();
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

    /** The waiter registers its wait on another thread; observe it without sleeping a fixed time. */
    private static void awaitActive(LongTaskTimer timer, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (timer.activeTasks() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " active, was " + timer.activeTasks());
            }
            Thread.onSpinWait();
        }
    }

    static class Gates {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
    }

    public static class Payments {
        private final Gates gates;

        Payments(Gates gates) {
            this.gates = gates;
        }

        @SerializedBy(value = "#id", name = "payments", waitTimeout = "20s")
        public String conduct(String id) throws InterruptedException {
            gates.inside.countDown();
            gates.release.await(10, TimeUnit.SECONDS);
            return "paid " + id;
        }

        @SerializedBy(value = "#id", name = "payments", policy = LockPolicy.FAIL_FAST)
        public String conductOnce(String id) {
            return "paid " + id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PaymentsConfiguration {
        @Bean
        Gates gates() {
            return new Gates();
        }

        @Bean
        Payments payments(Gates gates) {
            return new Payments(gates);
        }
    }
}
