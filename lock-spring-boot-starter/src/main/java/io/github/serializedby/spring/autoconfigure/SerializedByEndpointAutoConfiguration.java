package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.spring.actuate.LockActivity;
import io.github.serializedby.spring.actuate.LockProviderHealthIndicator;
import io.github.serializedby.spring.actuate.LocksEndpoint;
import io.github.serializedby.spring.aop.LockedMethods;
import java.time.Clock;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * The {@code locks} actuator endpoint, the activity tracking it reads, and the lock provider's health
 * indicator ({@code management.health.locks.enabled}). The refusal of force-releases while the endpoint is
 * read-only is in {@link ForceReleaseRefusalManagementContextConfiguration}, on the management server.
 */
@AutoConfiguration(
        after = SerializedByAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration"
        })
@ConditionalOnClass(Endpoint.class)
@EnableConfigurationProperties(LocksEndpointProperties.class)
public final class SerializedByEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(LocksEndpoint.class)
    LockActivity lockActivity() {
        return new LockActivity(Clock.systemUTC());
    }

    @Bean
    @ConditionalOnAvailableEndpoint(LocksEndpoint.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    LockProviderDecorator lockActivityDecorator(LockActivity lockActivity) {
        return lockActivity::track;
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(LocksEndpoint.class)
    LocksEndpoint locksEndpoint(
            ConfigurableListableBeanFactory beanFactory,
            Environment environment,
            LockedMethods lockedMethods,
            LockActivity lockActivity,
            LocksEndpointProperties properties,
            WaitBounds waitBounds) {
        LockProviderChoice choice = LockProviderChoice.of(beanFactory, environment);
        return new LocksEndpoint(
                choice.provider(),
                choice.reason(),
                lockedMethods,
                lockActivity,
                properties.getShowValues(),
                properties.getRoles(),
                waitBounds);
    }

    /** The provider's health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("locks")
    static class LockProviderHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "locksHealthIndicator")
        LockProviderHealthIndicator locksHealthIndicator(LockProvider lockProvider) {
            return new LockProviderHealthIndicator(lockProvider, ProviderNames.of(lockProvider));
        }
    }
}
