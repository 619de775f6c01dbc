package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Fencing tokens keep growing when Redis loses a lock's counter, as after a restart without persistence. */
@Timeout(60)
class FencingTokenTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final LockRequest request = LockRequest.exclusive("fence." + UUID.randomUUID(), "k");

    @Test
    void aLostCounterDoesNotSendTokensBack() {
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            long before = acquireAndRelease(provider);
            long after = acquireAndRelease(provider);
            assertThat(after).isGreaterThan(before);

            LockKeys keys = LockKeys.of(provider.options().prefix(), request);
            assertThat(new StringRedisTemplate(redis.factory()).delete(keys.fence()))
                    .isTrue();

            assertThat(acquireAndRelease(provider)).isGreaterThan(after);
        }
    }

    private long acquireAndRelease(RedisLockProvider provider) {
        Lease lease = provider.tryAcquire(request).orElseThrow();
        lease.release();
        return lease.fencingToken();
    }
}
