package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.redis.RedisLockOptions;
import io.github.serializedby.lock.redis.RedisLockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Keeps {@code @SerializedBy} locks in Redis when {@code serialized-by.provider=redis}, lock-redis is on the
 * class path and the application has a {@link RedisConnectionFactory}; never by itself, since a Redis used
 * for caching says nothing about where locks belong. Backs off when the application defines its own {@link
 * LockProvider}. Runs before {@link SerializedByAutoConfiguration}, whose in-memory provider then backs off.
 */
@AutoConfiguration(
        before = SerializedByAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({RedisLockProvider.class, RedisConnectionFactory.class})
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnProperty(name = "serialized-by.provider", havingValue = "redis")
@EnableConfigurationProperties(SerializedByRedisProperties.class)
public final class SerializedByRedisAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    RedisLockProvider redisLockProvider(
            RedisConnectionFactory redisConnectionFactory,
            SerializedByProperties properties,
            SerializedByRedisProperties redis,
            ObjectProvider<LockListener> listeners,
            WaitBounds waitBounds) {
        RedisLockOptions.Builder options = RedisLockOptions.builder()
                .waitBounds(waitBounds)
                .prefix(redis.getPrefix())
                .leaseTime(properties.getLeaseTime())
                .operationTimeout(redis.getTimeout())
                .localHandOff(redis.getLocalHandOffs(), redis.getHandOffSlice())
                .listener(LockListener.of(listeners.orderedStream().toList()));
        Duration renewEvery = redis.getRenewEvery();
        if (renewEvery != null) {
            options.renewEvery(renewEvery);
        }
        return new RedisLockProvider(redisConnectionFactory, options.build());
    }
}
