package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.redis.fence.RedisFencedWrites;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** {@link RedisFencedWrites}: the compare-and-set of reads and writes, and the keys' expiry. */
class RedisFencedWritesTest {

    private LettuceConnectionFactory factory;
    private StringRedisTemplate redis;
    private RedisFencedWrites writes;
    private String key;

    @BeforeAll
    static void redisIsThere() {
        LocalRedis.requireReachable();
    }

    @BeforeEach
    void setUp() {
        factory = LocalRedis.connectionFactory();
        redis = new StringRedisTemplate(factory);
        writes = new RedisFencedWrites(factory, Duration.ofMinutes(10));
        key = "fenced-test:" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        redis.delete(key);
        factory.destroy();
    }

    @Test
    void aNewerHolderReadsWhatAnOlderOneWroteAndWritesOverIt() {
        writes.write(lease(5), key, "100");
        assertThat(writes.read(lease(6), key)).isEqualTo("100");
        writes.write(lease(6), key, "70");
        assertThat(writes.read(lease(6), key)).isEqualTo("70");
        assertThat(redis.opsForHash().get(key, "token")).isEqualTo("6");
    }

    @Test
    void aReadOfAKeyNeverWrittenIsEmptyAndRaisesItsToken() {
        assertThat(writes.read(lease(3), key)).isNull();
        assertThat(redis.opsForHash().get(key, "token")).isEqualTo("3");
    }

    @Test
    void anOlderWriteIsRefusedAndChangesNothing() {
        writes.write(lease(9), key, "100");
        assertThatThrownBy(() -> writes.write(lease(8), key, "0"))
                .isInstanceOfSatisfying(StaleFencingTokenException.class, e -> {
                    assertThat(e.token()).isEqualTo(8);
                    assertThat(e.storedToken()).isEqualTo(9);
                    assertThat(e.lockName()).isEqualTo("account");
                });
        assertThat(redis.opsForHash().get(key, "value")).isEqualTo("100");
    }

    @Test
    void aNewerReadRefusesAnOlderHoldersLaterWrite() {
        writes.write(lease(1), key, "100");
        writes.read(lease(2), key);
        assertThatThrownBy(() -> writes.write(lease(1), key, "50")).isInstanceOf(StaleFencingTokenException.class);
        assertThatThrownBy(() -> writes.read(lease(1), key)).isInstanceOf(StaleFencingTokenException.class);
        assertThat(redis.opsForHash().get(key, "value")).isEqualTo("100");
    }

    @Test
    void tokensAreComparedExactlyBeyondWhatLuasNumbersHold() {
        long big = 1L << 53;
        writes.write(lease(big + 1), key, "newer");
        assertThatThrownBy(() -> writes.write(lease(big), key, "older")).isInstanceOf(StaleFencingTokenException.class);
        writes.write(lease(Long.MAX_VALUE), key, "newest");
        assertThat(redis.opsForHash().get(key, "value")).isEqualTo("newest");
    }

    @Test
    void everyKeyExpires() {
        writes.read(lease(1), key);
        assertThat(redis.getExpire(key, TimeUnit.MILLISECONDS))
                .isBetween(1L, Duration.ofMinutes(10).toMillis());
        writes.write(lease(1), key, "v", Duration.ofHours(2));
        assertThat(redis.getExpire(key, TimeUnit.MILLISECONDS))
                .isBetween(
                        Duration.ofMinutes(11).toMillis(), Duration.ofHours(2).toMillis());
        writes.read(lease(2), key);
        assertThat(redis.getExpire(key, TimeUnit.MILLISECONDS))
                .as("a read keeps the expiry the key has")
                .isGreaterThan(Duration.ofMinutes(11).toMillis());
    }

    @Test
    void aSharedLeaseIsRefused() {
        Lease shared = new TokenLease(LockRequest.shared("account", "1"), 1);
        assertThatThrownBy(() -> writes.write(shared, key, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Lease lease(long token) {
        return new TokenLease(LockRequest.exclusive("account", "1"), token);
    }

    private record TokenLease(LockRequest request, long fencingToken) implements Lease {

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public void release() {}
    }
}
