package io.github.serializedby.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByEndpointAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With the actuator's observation and endpoint on, the provider's own methods still run. */
class ObservedDecorationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByObservationAutoConfiguration.class,
                    SerializedByEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=locks")
            .withUserConfiguration(TunedProviderConfiguration.class);

    @Test
    void aWaitingCallReachesTheProvidersTunedBlockingAcquisition() {
        runner.run(context -> {
            TunedProvider provider = context.getBean(TunedProvider.class);
            Lease holder =
                    provider.tryAcquire(LockRequest.exclusive("orders", "o-1")).orElseThrow();
            ExecutorService threads = Executors.newSingleThreadExecutor();
            try {
                Future<String> shipped =
                        threads.submit(() -> context.getBean(Orders.class).ship("o-1"));
                assertThat(provider.waiting.await(10, TimeUnit.SECONDS)).isTrue();
                holder.release();

                assertThat(shipped.get(10, TimeUnit.SECONDS)).isEqualTo("shipped o-1");
            } finally {
                threads.shutdownNow();
            }
            assertThat(provider.blocking).hasValue(1);
            assertThat(provider.asynchronous).hasValue(0);
        });
    }

    @Test
    void observationsEndingInMetersAloneAreRecordedStraightToTheMeters() {
        runner.run(context -> assertThat(
                        context.getBean(LockExecutor.class).provider().toString())
                .startsWith("Metered"));
    }

    @Test
    void anyOtherObservationHandlerGetsFullObservations() {
        runner.withBean("spanLikeHandler", ObservationHandler.class, SpanLikeHandler::new)
                .run(context -> {
                    assertThat(context.getBean(LockExecutor.class).provider().toString())
                            .startsWith("Observed");
                    assertThat(context.getBean(Orders.class).ship("o-2")).isEqualTo("shipped o-2");
                    assertThat(context.getBean(TunedProvider.class).blocking).hasValue(1);
                    assertThat(context.getBean(SpanLikeHandler.class).started).hasValue(2);
                });
    }

    /**
     * With tracing, Micrometer's meter observation handler registers a lock's meters on its first
     * observation: the starter registers them at start-up, under the ids the handler then records to.
     */
    @Test
    void withAnotherObservationHandlerTheMetersAreThereAtZeroAndTheHandlerRecordsToThem() {
        runner.withBean("spanLikeHandler", ObservationHandler.class, SpanLikeHandler::new)
                .run(context -> {
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    Timer acquired = meters.get("serialized.lock.acquire")
                            .tags("lock.name", "orders", "lock.mode", "exclusive", "outcome", "acquired")
                            .tag("error", "none")
                            .timer();
                    Timer held = meters.get("serialized.lock.held")
                            .tags("lock.name", "orders", "lock.mode", "exclusive")
                            .timer();
                    LongTaskTimer holding = meters.get("serialized.lock.held.active")
                            .tags("lock.name", "orders", "lock.mode", "exclusive")
                            .longTaskTimer();
                    assertThat(acquired.count()).isZero();
                    assertThat(held.count()).isZero();
                    assertThat(holding.activeTasks()).isZero();

                    context.getBean(Orders.class).ship("o-3");

                    assertThat(acquired.count()).isOne();
                    assertThat(held.count()).isOne();
                    assertThat(meters.find("serialized.lock.acquire")
                                    .tags("lock.name", "orders", "outcome", "acquired")
                                    .timers())
                            .hasSize(1);
                });
    }

    /**
     * The decorators (meters, the endpoint's held locks) wrap the provider of the executor the starter
     * builds; an executor bean of the application's own replaces it, so its calls are not observed.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void anExecutorBeanOfTheApplicationsOwnIsNotObservedAndTheStartUpLogSaysSo(CapturedOutput output) {
        runner.withUserConfiguration(OwnExecutorConfiguration.class).run(context -> {
            assertThat(context.getBean(Orders.class).ship("o-4")).isEqualTo("shipped o-4");

            assertThat(context.getBean(LockExecutor.class).provider()).isSameAs(context.getBean(TunedProvider.class));
            assertThat(context.getBean(MeterRegistry.class)
                            .find("serialized.lock.acquire")
                            .meters())
                    .isEmpty();
            assertThat(output)
                    .contains("LockExecutor bean(s) [myExecutor] of the application's own")
                    .contains("lockActivityDecorator");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutorConfiguration {
        @Bean
        LockExecutor myExecutor(LockProvider lockProvider) {
            return new LockExecutor(lockProvider);
        }
    }

    static class SpanLikeHandler implements ObservationHandler<Observation.Context> {
        final AtomicInteger started = new AtomicInteger();

        @Override
        public void onStart(Observation.Context context) {
            if (context instanceof LockObservationContext) {
                started.incrementAndGet();
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    /** A provider with its own blocking wait, as the in-memory and Redis providers have. */
    static class TunedProvider implements LockProvider {
        private final InMemoryLockProvider memory = new InMemoryLockProvider();
        final AtomicInteger blocking = new AtomicInteger();
        final AtomicInteger asynchronous = new AtomicInteger();
        final CountDownLatch waiting = new CountDownLatch(1);

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            return memory.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            asynchronous.incrementAndGet();
            return memory.acquire(request, maxWait);
        }

        @Override
        public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
            blocking.incrementAndGet();
            waiting.countDown();
            return memory.acquireBlocking(request, maxWait);
        }
    }

    public static class Orders {
        @SerializedBy(value = "#id", name = "orders", waitTimeout = "5s")
        public String ship(String id) {
            return "shipped " + id;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TunedProviderConfiguration {
        @Bean
        TunedProvider lockProvider() {
            return new TunedProvider();
        }

        @Bean
        Orders orders() {
            return new Orders();
        }
    }
}
