package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Fails start-up when {@code serialized-by.provider=redis} but the locks would be kept in memory, because
 * lock-redis or a RedisConnectionFactory is missing: in-memory locks do not exclude other instances, so
 * falling back silently would let concurrent calls through.
 */
@AutoConfiguration(after = {SerializedByRedisAutoConfiguration.class, SerializedByAutoConfiguration.class})
@ConditionalOnProperty(name = "serialized-by.provider", havingValue = "redis")
public final class SerializedByProviderCheckAutoConfiguration {

    @Bean
    static SmartInitializingSingleton serializedByRedisProviderCheck(ObjectProvider<LockProvider> providers) {
        return () -> {
            if (providers.getIfUnique() instanceof InMemoryLockProvider) {
                throw new IllegalStateException("serialized-by.provider=redis, but locks would be kept in memory: "
                        + "add io.github.serializedby:lock-redis and a Redis connection "
                        + "(spring-boot-starter-data-redis with Lettuce)");
            }
        };
    }
}
