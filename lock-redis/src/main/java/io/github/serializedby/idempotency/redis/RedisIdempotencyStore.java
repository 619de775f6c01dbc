package io.github.serializedby.idempotency.redis;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.StoredResponse;
import io.github.serializedby.idempotency.StoredResponseCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Stored responses for idempotency keys in Redis, shared by every instance: one string per key, written
 * with a time to live so that Redis forgets it when it expires. The clock decides expiry on reading
 * too, so a response is never replayed past its time.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private final RedisConnectionFactory connections;
    private final String prefix;
    private final Clock clock;

    /**
     * @param connections where Redis is
     * @param prefix prepended to every key, so that applications sharing a Redis stay apart
     * @param clock the time that decides expiry
     */
    public RedisIdempotencyStore(RedisConnectionFactory connections, String prefix, Clock clock) {
        this.connections = connections;
        this.prefix = prefix;
        this.clock = clock;
    }

    @Override
    public Optional<StoredResponse> find(String key) {
        try (RedisConnection connection = connections.getConnection()) {
            byte[] stored = connection.stringCommands().get(redisKey(key));
            if (stored == null) {
                return Optional.empty();
            }
            StoredResponse response = StoredResponseCodec.decode(stored);
            return response.expiresAt().isAfter(clock.instant()) ? Optional.of(response) : Optional.empty();
        }
    }

    @Override
    public void save(String key, StoredResponse response) {
        Duration ttl = Duration.between(clock.instant(), response.expiresAt());
        if (ttl.isNegative() || ttl.isZero()) {
            return;
        }
        try (RedisConnection connection = connections.getConnection()) {
            connection
                    .stringCommands()
                    .set(
                            redisKey(key),
                            StoredResponseCodec.encode(response),
                            Expiration.milliseconds(Math.max(1, ttl.toMillis())),
                            SetOption.upsert());
        }
    }

    private byte[] redisKey(String key) {
        return (prefix + "idempotency:" + key).getBytes(StandardCharsets.UTF_8);
    }
}
