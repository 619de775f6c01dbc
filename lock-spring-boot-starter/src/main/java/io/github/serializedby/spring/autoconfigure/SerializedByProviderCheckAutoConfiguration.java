package io.github.serializedby.spring.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Checks at start-up that the lock provider in use is the one {@code serialized-by.provider} names, and
 * fails start-up, naming what is missing, when it is not: locks kept in memory do not exclude other
 * instances, so falling back silently would let concurrent calls through. Logs which provider is used and
 * why; an application's own {@code LockProvider} bean is used as it is.
 */
@AutoConfiguration(
        after = {
            SerializedByRedisAutoConfiguration.class,
            SerializedByJdbcAutoConfiguration.class,
            SerializedByAutoConfiguration.class
        })
public final class SerializedByProviderCheckAutoConfiguration {

    private static final Log logger = LogFactory.getLog(SerializedByProviderCheckAutoConfiguration.class);

    @Bean
    static SmartInitializingSingleton serializedByLockProviderValidator(
            ConfigurableListableBeanFactory beanFactory, Environment environment) {
        return () -> {
            LockProviderChoice choice = LockProviderChoice.of(beanFactory, environment);
            if (choice.mismatch() != null) {
                throw new LockProviderMismatchException(choice.mismatch());
            }
            logger.info(choice.logLine());
        };
    }
}
