package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.ListeningLockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.aop.FenceInterceptor;
import io.github.serializedby.spring.aop.FencingPostProcessor;
import io.github.serializedby.spring.aop.LockSettings;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.SerializedByAdvisor;
import io.github.serializedby.spring.aop.SerializedByInterceptor;
import io.github.serializedby.spring.aop.SerializedByMethodValidator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Locks {@code @SerializedBy} methods: the lock provider (in memory unless {@code serialized-by.provider}
 * names another or the application defines its own), the executor, and the advisor that applies them. Each bean backs off when the application
 * defines its own.
 */
@AutoConfiguration
@EnableConfigurationProperties
@Import(AutoProxyCreatorRegistrar.class)
public final class SerializedByAutoConfiguration {

    /**
     * The properties, bound once. An infrastructure bean, since the advisor and the validator need them
     * while bean post-processors are still being created.
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SerializedByProperties serializedByProperties() {
        return new SerializedByProperties();
    }

    /**
     * The bounds on waiting, one for the application, given to its provider: the defaults and every
     * {@code serialized-by.instances.<name>} by name; {@link LockedMethods} adds each method's lock name.
     */
    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static WaitBounds serializedByWaitBounds(SerializedByProperties properties) {
        WaitBounds bounds =
                new WaitBounds(properties.getMaxWaiting(), defaults(properties).waitLimits());
        instances(properties).forEach((name, settings) -> bounds.configure(name, settings.waitLimits()));
        return bounds;
    }

    @Bean
    @ConditionalOnMissingBean
    LockProvider lockProvider(WaitBounds waitBounds) {
        return new InMemoryLockProvider(waitBounds);
    }

    /**
     * The executor over the provider wrapped by every {@link LockProviderDecorator} bean, in their order,
     * and outermost by the application's {@link LockListener} beans, so that listeners hear what the
     * application's calls see. Without listener beans there is no listening layer, and no cost.
     */
    @Bean
    @ConditionalOnMissingBean
    LockExecutor lockExecutor(
            SerializedByProperties properties,
            LockProvider lockProvider,
            ObjectProvider<LockProviderDecorator> decorators,
            ObjectProvider<LockListener> listeners) {
        LockProvider decorated = lockProvider;
        for (LockProviderDecorator decorator : decorators.orderedStream().toList()) {
            decorated = decorator.decorate(decorated);
        }
        List<LockListener> acquisitionListeners = listeners
                .orderedStream()
                .filter(listener -> !(listener instanceof LeaseLossListener))
                .toList();
        if (!acquisitionListeners.isEmpty()) {
            decorated = new ListeningLockProvider(decorated, acquisitionListeners);
        }
        return new LockExecutor(decorated, properties.getMaxKeysPerCall());
    }

    /** Warns at start-up when an executor bean of the application's own leaves decorators and listeners out. */
    @Bean
    static OwnLockExecutorCheck serializedByOwnLockExecutorCheck(ConfigurableListableBeanFactory beanFactory) {
        return new OwnLockExecutorCheck(beanFactory);
    }

    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockedMethods serializedByLockedMethods(
            SerializedByProperties properties,
            Environment environment,
            ConfigurableListableBeanFactory beanFactory,
            WaitBounds waitBounds) {
        return new LockedMethods(
                defaults(properties),
                instances(properties),
                environment::resolveRequiredPlaceholders,
                beanFactory,
                waitBounds);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SerializedByMethodValidator serializedByMethodValidator(
            ConfigurableListableBeanFactory beanFactory,
            LockedMethods serializedByLockedMethods,
            SerializedByProperties properties) {
        return new SerializedByMethodValidator(beanFactory, serializedByLockedMethods, properties.isEnabled());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "serialized-by.enabled", matchIfMissing = true)
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SerializedByAdvisor serializedByAdvisor(
            LockedMethods serializedByLockedMethods,
            ObjectProvider<LockExecutor> executor,
            SerializedByProperties properties) {
        SerializedByInterceptor interceptor =
                new SerializedByInterceptor(serializedByLockedMethods, SingletonSupplier.of(executor::getObject));
        return new SerializedByAdvisor(interceptor, properties.getOrder());
    }

    /**
     * Fenced methods: the fence is added as the innermost advice of their proxies, inside the transaction
     * the lock wraps. The {@link LockFence} is looked up on first use, since the fence's store may be
     * created late.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.transaction.PlatformTransactionManager")
    @ConditionalOnBooleanProperty(name = "serialized-by.enabled", matchIfMissing = true)
    static class FencingConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static FencingPostProcessor serializedByFencingPostProcessor(ConfigurableListableBeanFactory beanFactory) {
            FenceInterceptor fence = new FenceInterceptor(
                    SingletonSupplier.of(() -> beanFactory.getBean(LockFence.class)),
                    refusal -> beanFactory
                            .getBeanProvider(FenceRefusalListener.class)
                            .orderedStream()
                            .forEach(listener -> listener.refused(refusal)));
            return new FencingPostProcessor(beanFactory, fence);
        }
    }

    static LockSettings defaults(SerializedByProperties properties) {
        return new LockSettings(
                properties.getPolicy(),
                properties.getWaitTimeout(),
                properties.getMode(),
                new WaitLimits(
                        properties.getMaxWaiters(), properties.getMaxLockWaiters(), properties.isRefuseExpectedWait()));
    }

    static Map<String, LockSettings> instances(SerializedByProperties properties) {
        LockSettings defaults = defaults(properties);
        Map<String, LockSettings> instances = new LinkedHashMap<>();
        properties.getInstances().forEach((name, instance) -> instances.put(name, inherit(instance, defaults)));
        return instances;
    }

    private static LockSettings inherit(SerializedByProperties.Instance instance, LockSettings defaults) {
        return new LockSettings(
                instance.getPolicy() != null ? instance.getPolicy() : defaults.policy(),
                instance.getWaitTimeout() != null ? instance.getWaitTimeout() : defaults.waitTimeout(),
                instance.getMode() != null ? instance.getMode() : defaults.mode(),
                new WaitLimits(
                        instance.getMaxWaiters() != null
                                ? instance.getMaxWaiters()
                                : defaults.waitLimits().maxWaiters(),
                        instance.getMaxLockWaiters() != null
                                ? instance.getMaxLockWaiters()
                                : defaults.waitLimits().maxLockWaiters(),
                        instance.getRefuseExpectedWait() != null
                                ? instance.getRefuseExpectedWait()
                                : defaults.waitLimits().refuseExpectedWait()));
    }
}
