package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.redis.RedisLockOptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Redis lock provider, under {@code serialized-by.redis}; its lease time is {@code
 * serialized-by.lease-time}.
 */
@ConfigurationProperties("serialized-by.redis")
public class SerializedByRedisProperties {

    /** Prefix of the Redis keys and channels of the locks, so that applications sharing a Redis stay apart. */
    private String prefix = RedisLockOptions.DEFAULT_PREFIX;

    /** Interval at which a held lock's lease is renewed; a third of serialized-by.lease-time when unset. */
    private @Nullable Duration renewEvery;

    /** Time to wait for Redis to answer one lock operation before it fails (the lock is then not granted). */
    private Duration timeout = Duration.ofSeconds(2);

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public @Nullable Duration getRenewEvery() {
        return renewEvery;
    }

    public void setRenewEvery(@Nullable Duration renewEvery) {
        this.renewEvery = renewEvery;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }
}
