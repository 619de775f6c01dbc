package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.spring.aop.LockedMethod;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.observation.DefaultLockAcquireObservationConvention;
import io.github.serializedby.spring.observation.DefaultLockHoldObservationConvention;
import io.github.serializedby.spring.observation.LockAcquireObservationConvention;
import io.github.serializedby.spring.observation.LockHoldObservationConvention;
import io.github.serializedby.spring.observation.MeteredLockProvider;
import io.github.serializedby.spring.observation.ObservedLockProvider;
import io.github.serializedby.spring.observation.WaitingMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Observes lock acquisition and holding through Micrometer's Observation API, giving timers, long-task
 * timers and trace spans, or, where observations end in meters alone, the same meters recorded directly
 * with a gauge of locks held now; counts lost leases when a meter registry is present. Off with {@code
 * serialized-by.observation.enabled=false}.
 *
 * <p>Over 300 lines: the choice between the two paths and the start-up registration of the meters each
 * records are kept side by side, since the registered meters must be the ones the chosen path records to.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "serialized-by.observation.enabled", matchIfMissing = true)
public final class SerializedByObservationAutoConfiguration {

    private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
    private static final String IGNORED_METERS = "management.metrics.observations.ignored-meters";

    /** Name of the counter of lost leases. */
    public static final String LEASE_LOST_METER = "serialized.lock.lease.lost";

    /** Name of the counter of fenced calls refused because their lock was lost. */
    public static final String FENCE_REJECTED_METER = "serialized.lock.fence.rejected";

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            DefaultLockAcquireObservationConvention.NAME,
            "Time to acquire a lock, by outcome: acquired, rejected, timeout, cancelled, queue-full, expected-wait,"
                    + " error",
            DefaultLockAcquireObservationConvention.NAME + ".active",
            "Callers waiting for a lock now",
            DefaultLockHoldObservationConvention.NAME,
            "Time a lock was held, from grant to release",
            DefaultLockHoldObservationConvention.NAME + ".active",
            "Locks held now",
            LEASE_LOST_METER,
            "Leases that ended while their holder still ran (expired or renewal failed)",
            FENCE_REJECTED_METER,
            "Fenced calls refused because the resource had seen a newer fencing token (their lock was lost)");

    @Bean
    @ConditionalOnBean(ObservationRegistry.class)
    @Order(Ordered.LOWEST_PRECEDENCE)
    LockProviderDecorator observedLockProviderDecorator(
            LockProvider lockProvider,
            ObservationRegistry registry,
            SerializedByProperties properties,
            ObjectProvider<LockAcquireObservationConvention> acquireConvention,
            ObjectProvider<LockHoldObservationConvention> holdConvention,
            ObjectProvider<ObservationHandler<?>> handlers,
            ObjectProvider<GlobalObservationConvention<?>> globalConventions,
            ObjectProvider<ObservationPredicate> predicates,
            ObjectProvider<ObservationFilter> filters,
            Environment environment,
            ApplicationContext context) {
        String providerName = ProviderNames.of(lockProvider);
        LockProviderDecorator observed = provider -> new ObservedLockProvider(
                provider,
                registry,
                providerName,
                properties.getObservation().isIncludeKey(),
                acquireConvention.getIfAvailable(),
                holdConvention.getIfAvailable());
        if (!ClassUtils.isPresent(METER_REGISTRY, getClass().getClassLoader())) {
            return observed;
        }
        MeteredLockProvider.Resolution resolution = new MeteredLockProvider.Resolution(
                providerName,
                acquireConvention.getIfAvailable(),
                holdConvention.getIfAvailable(),
                globalConventions.orderedStream().toList(),
                predicates.orderedStream().toList(),
                filters.orderedStream().toList(),
                keepsLongTaskTimers(environment));
        LockProviderDecorator metered =
                MeterPath.decorator(context, handlers.orderedStream().toList(), resolution);
        return metered != null ? metered : new ObservedDecorator(observed, context, resolution);
    }

    /** Whether Micrometer's meter handler keeps long-task timers ({@code ignored-meters} lists them not). */
    private static boolean keepsLongTaskTimers(Environment environment) {
        return Binder.get(environment).bind(IGNORED_METERS, Bindable.setOf(String.class)).orElse(Set.of()).stream()
                .noneMatch(meter -> meter.replace('_', '-').equalsIgnoreCase("long-task-timer"));
    }

    /**
     * Whether observations end in meters alone: every observation handler is a meter handler (Spring
     * Boot's setup without tracing), and one meter registry receives them. Then locks record their
     * meters directly, which costs a fraction of an observation; otherwise (tracing, any other
     * handler) every acquisition and hold is an observation.
     */
    private static final class MeterPath {

        static @Nullable LockProviderDecorator decorator(
                ApplicationContext context,
                List<ObservationHandler<?>> handlers,
                MeteredLockProvider.Resolution resolution) {
            MeterRegistry meters = context.getBeanProvider(MeterRegistry.class).getIfUnique();
            if (meters == null
                    || handlers.isEmpty()
                    || !handlers.stream().allMatch(MeterObservationHandler.class::isInstance)) {
                return null;
            }
            return new MeteredDecorator(meters, resolution);
        }
    }

    /** Decorates with {@link MeteredLockProvider}s, and keeps them so their meters can be registered at start-up. */
    static final class MeteredDecorator implements LockProviderDecorator, RegistersMeters {

        private final MeterRegistry meters;
        private final MeteredLockProvider.Resolution resolution;
        private final List<MeteredLockProvider> decorated = new CopyOnWriteArrayList<>();

        MeteredDecorator(MeterRegistry meters, MeteredLockProvider.Resolution resolution) {
            this.meters = meters;
            this.resolution = resolution;
        }

        @Override
        public LockProvider decorate(LockProvider provider) {
            MeteredLockProvider metered = new MeteredLockProvider(provider, meters, resolution);
            decorated.add(metered);
            return metered;
        }

        @Override
        public void registerMeters(String lockName, LockMode mode) {
            decorated.forEach(provider -> provider.registerMeters(lockName, mode));
        }
    }

    /** A decorator whose meters can be registered at start-up, so that they read 0 before the first event. */
    interface RegistersMeters {

        void registerMeters(String lockName, LockMode mode);
    }

    /**
     * Decorates with {@link ObservedLockProvider}s (tracing or another handler beside the meters), and
     * registers at start-up the meters Micrometer's meter observation handler records for them.
     */
    static final class ObservedDecorator implements LockProviderDecorator, RegistersMeters {

        private final LockProviderDecorator observed;
        private final ApplicationContext context;
        private final MeteredLockProvider.Resolution resolution;

        ObservedDecorator(
                LockProviderDecorator observed, ApplicationContext context, MeteredLockProvider.Resolution resolution) {
            this.observed = observed;
            this.context = context;
            this.resolution = resolution;
        }

        @Override
        public LockProvider decorate(LockProvider provider) {
            return observed.decorate(provider);
        }

        @Override
        public void registerMeters(String lockName, LockMode mode) {
            MeterRegistry meters = context.getBeanProvider(MeterRegistry.class).getIfUnique();
            if (meters != null) {
                MeteredLockProvider.registerObservedMeters(meters, lockName, mode, resolution);
            }
        }
    }

    /** Descriptions of the lock meters, and the lost-lease counter. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class LockMetersConfiguration {

        @Bean
        MeterFilter serializedByMeterDescriptions() {
            return new MeterFilter() {
                @Override
                public Meter.Id map(Meter.Id id) {
                    String description = DESCRIPTIONS.get(id.getName());
                    return description == null || id.getDescription() != null
                            ? id
                            : new Meter.Id(
                                    id.getName(),
                                    io.micrometer.core.instrument.Tags.of(id.getTags()),
                                    id.getBaseUnit(),
                                    description,
                                    id.getType());
                }
            };
        }

        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        LockListener leaseLostCounter(ObjectProvider<MeterRegistry> registry) {
            return new LeaseLossListener() {
                @Override
                public void leaseLost(Lease lease) {
                    leaseLostCounter(registry.getObject(), lease.request().name())
                            .increment();
                }
            };
        }

        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        FenceRefusalListener fenceRejectedCounter(ObjectProvider<MeterRegistry> registry) {
            return refusal -> fenceRejectedCounter(registry.getObject(), refusal.lockName())
                    .increment();
        }

        /**
         * Registers the meters of every lock name known once the context is refreshed (those of the
         * {@code @SerializedBy} methods and of {@code serialized-by.instances}), so that they read 0
         * rather than being absent until the first event: the lost-lease counter, and the acquisition and
         * hold meters whether locks record them directly or as observations (with tracing, as Micrometer's
         * meter observation handler will record them).
         */
        @Bean
        @ConditionalOnBean(MeterRegistry.class)
        ApplicationListener<ContextRefreshedEvent> serializedByMeterRegistration(
                ApplicationContext context,
                ObjectProvider<MeterRegistry> registry,
                ObjectProvider<LockedMethods> methods,
                ObjectProvider<SerializedByProperties> properties,
                ObjectProvider<LockProviderDecorator> decorators) {
            return event -> {
                if (event.getApplicationContext() != context) {
                    return;
                }
                Map<String, Set<LockMode>> locks = new TreeMap<>();
                methods.ifAvailable(known -> known.all()
                        .forEach(method -> locks.computeIfAbsent(method.name(), name -> EnumSet.noneOf(LockMode.class))
                                .add(method.settings().mode())));
                properties.ifAvailable(configured -> SerializedByAutoConfiguration.instances(configured)
                        .forEach((name, settings) -> locks.computeIfAbsent(name, any -> EnumSet.noneOf(LockMode.class))
                                .add(settings.mode())));
                List<RegistersMeters> metered = decorators
                        .orderedStream()
                        .filter(RegistersMeters.class::isInstance)
                        .map(RegistersMeters.class::cast)
                        .toList();
                methods.ifAvailable(known -> known.all().stream()
                        .filter(LockedMethod::fenced)
                        .forEach(method -> fenceRejectedCounter(registry.getObject(), method.name())));
                locks.forEach((name, modes) -> {
                    leaseLostCounter(registry.getObject(), name);
                    modes.forEach(mode -> metered.forEach(decorator -> decorator.registerMeters(name, mode)));
                });
            };
        }

        /**
         * Registers the {@link WaitingMeters} gauge of every lock name the wait bounds know once the context
         * is refreshed: those of the {@code @SerializedBy} methods (compiled at start-up) and of {@code
         * serialized-by.instances}.
         */
        @Bean
        @ConditionalOnBean({MeterRegistry.class, WaitBounds.class})
        ApplicationListener<ContextRefreshedEvent> serializedByWaitingGauges(
                ApplicationContext context, ObjectProvider<MeterRegistry> registry, ObjectProvider<WaitBounds> bounds) {
            return event -> {
                if (event.getApplicationContext() == context) {
                    bounds.ifAvailable(known -> WaitingMeters.register(registry.getObject(), known));
                }
            };
        }

        private static Counter fenceRejectedCounter(MeterRegistry registry, String lockName) {
            return Counter.builder(FENCE_REJECTED_METER)
                    .description(DESCRIPTIONS.get(FENCE_REJECTED_METER))
                    .tag("lock.name", lockName)
                    .register(registry);
        }

        private static Counter leaseLostCounter(MeterRegistry registry, String lockName) {
            return Counter.builder(LEASE_LOST_METER)
                    .description(DESCRIPTIONS.get(LEASE_LOST_METER))
                    .tag("lock.name", lockName)
                    .register(registry);
        }
    }
}
