package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Every Redis key the provider writes expires: locking many distinct keys leaves nothing for ever. */
@Timeout(120)
class KeysLeftBehindTest {

    private static final int KEYS = 2_000;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final String prefix = "keys-left-" + UUID.randomUUID() + ":";

    @AfterEach
    void deleteWhatIsLeft() {
        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        template.delete(keysUnderPrefix(template));
    }

    @Test
    void everyKeyWrittenForDistinctLocksCarriesATimeToLive() throws Exception {
        RedisLockOptions options = RedisLockOptions.builder().prefix(prefix).build();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            for (int i = 0; i < KEYS; i++) {
                LockRequest request =
                        i % 2 == 0 ? LockRequest.exclusive("left", "k" + i) : LockRequest.shared("left", "k" + i);
                provider.tryAcquire(request).orElseThrow().release();
            }
            // A writer that gave up waiting leaves markers in the lock's hash until its holder releases.
            LockRequest contended = LockRequest.exclusive("left", "contended");
            Lease held = provider.tryAcquire(contended).orElseThrow();
            assertThat(provider.acquire(contended, Duration.ofMillis(50)).get(10, TimeUnit.SECONDS))
                    .isEmpty();
            held.release();
        }

        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        List<String> written = keysUnderPrefix(template);
        assertThat(written).as("fence keys stay until they expire").hasSizeGreaterThanOrEqualTo(KEYS);
        List<String> forever = new ArrayList<>();
        for (String key : written) {
            Long ttl = template.getExpire(key, TimeUnit.MILLISECONDS);
            if (ttl != null && ttl == -1) {
                forever.add(key);
            }
        }
        assertThat(forever).as("keys without a time to live").isEmpty();
    }

    private List<String> keysUnderPrefix(StringRedisTemplate template) {
        List<String> keys = new ArrayList<>();
        try (Cursor<String> cursor = template.scan(
                ScanOptions.scanOptions().match(prefix + "*").count(1_000).build())) {
            cursor.forEachRemaining(keys::add);
        }
        return keys;
    }
}
