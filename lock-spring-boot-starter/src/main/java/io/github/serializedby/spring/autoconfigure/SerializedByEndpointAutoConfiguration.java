package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.spring.actuate.LockActivity;
import io.github.serializedby.spring.actuate.LockProviderHealthIndicator;
import io.github.serializedby.spring.actuate.LocksEndpoint;
import io.github.serializedby.spring.aop.LockedMethods;
import java.time.Clock;
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

/**
 * The {@code locks} actuator endpoint, the activity tracking it reads, and the lock provider's health
 * indicator ({@code management.health.locks.enabled}).
 */
@AutoConfiguration(after = SerializedByAutoConfiguration.class)
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
            LockProvider lockProvider,
            LockedMethods lockedMethods,
            LockActivity lockActivity,
            LocksEndpointProperties properties) {
        return new LocksEndpoint(
                ProviderNames.of(lockProvider),
                lockedMethods,
                lockActivity,
                properties.getShowValues(),
                properties.getRoles());
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
