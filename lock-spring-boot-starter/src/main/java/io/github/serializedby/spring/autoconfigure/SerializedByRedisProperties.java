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

    /**
     * How many times in a row a lock held in Redis may pass from one caller of this instance to the next
     * waiting for the same key without a round trip to Redis (each with a fencing token of its own);
     * 0 sends every hand-over through Redis.
     */
    private int localHandOffs = 16;

    /**
     * How long after its acquisition in Redis a lock may still be passed on within this instance; after
     * that, or after local-hand-offs, it is released in Redis so that other instances get their turn.
     */
    private Duration handOffSlice = Duration.ofMillis(10);

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

    public int getLocalHandOffs() {
        return localHandOffs;
    }

    public void setLocalHandOffs(int localHandOffs) {
        this.localHandOffs = localHandOffs;
    }

    public Duration getHandOffSlice() {
        return handOffSlice;
    }

    public void setHandOffSlice(Duration handOffSlice) {
        this.handOffSlice = handOffSlice;
    }
}
