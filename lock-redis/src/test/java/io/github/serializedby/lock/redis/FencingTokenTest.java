package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Fencing tokens keep growing when Redis loses a lock's counter, as after a restart without persistence. */
@Timeout(60)
class FencingTokenTest {

    private static final int GRANTS = 1_000;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final LockRequest request = LockRequest.exclusive("fence." + UUID.randomUUID(), "k");

    @Test
    void grantsInQuickSuccessionGetIncreasingTokens() {
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            long previous = acquireAndRelease(provider);
            for (int i = 1; i < GRANTS; i++) {
                long token = acquireAndRelease(provider);
                assertThat(token).as("grant %d", i).isGreaterThan(previous);
                previous = token;
            }
        }
    }

    /**
     * Losing the counter takes time (a restart, an expiry), so the next grant comes at least a millisecond
     * of Redis's clock after the last one: the test lets that millisecond pass before it deletes the counter.
     */
    @Test
    void aLostCounterDoesNotSendTokensBack() {
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            long before = acquireAndRelease(provider);
            long after = acquireAndRelease(provider);
            assertThat(after).isGreaterThan(before);

            StringRedisTemplate template = new StringRedisTemplate(redis.factory());
            long grantedAt = after / 1024;
            while (redisMillis(template) <= grantedAt) {
                Thread.onSpinWait();
            }
            LockKeys keys = LockKeys.of(provider.options().prefix(), request);
            assertThat(template.delete(keys.fence())).isTrue();

            assertThat(acquireAndRelease(provider)).isGreaterThan(after);
        }
    }

    private long acquireAndRelease(RedisLockProvider provider) {
        Lease lease = provider.tryAcquire(request).orElseThrow();
        lease.release();
        return lease.fencingToken();
    }

    private static long redisMillis(StringRedisTemplate template) {
        return Objects.requireNonNull(
                template.execute((RedisCallback<Long>) c -> c.serverCommands().time()));
    }
}
