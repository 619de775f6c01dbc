package io.github.serializedby.lock.redis.fence;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.StaleFencingTokenException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Fenced reads and writes of Redis data: each key is a hash that keeps a string {@code value} beside the
 * newest {@code token} that read or wrote it, and each call is one Lua script, so the check and the
 * change are one atomic step. Only data read and written through this helper is fenced.
 *
 * <p>The protocol: {@link #read} first (it refuses a stale holder and raises the stored token, so an older
 * holder's later write is refused), then {@link #write}, which writes only when the stored token is not
 * newer than the caller's. Tokens are compared exactly as decimal numbers, at any size.
 *
 * <p>Every key expires: a key is given the time to live when a read creates it, and again on every
 * write; a read of an existing key keeps its expiry. The token expires with the data, after which a late
 * holder could write the first value again: choose a time to live far longer than any lease.
 */
public final class RedisFencedWrites {

    /** Whether token {@code a} is newer than {@code b}: decimal strings without leading zeros. */
    private static final String NEWER = """
            local function newer(a, b)
              if #a ~= #b then return #a > #b end
              return a > b
            end
            """;

    /** KEYS[1] the hash; ARGV token, time to live (ms). {0, stored} refused, {1, value?} admitted. */
    private static final RedisScript<List> READ = RedisScript.of(NEWER + """
            local stored = redis.call('HGET', KEYS[1], 'token')
            if stored and newer(stored, ARGV[1]) then return {0, stored} end
            redis.call('HSET', KEYS[1], 'token', ARGV[1])
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            local value = redis.call('HGET', KEYS[1], 'value')
            if value then return {1, value} end
            return {1}
            """, List.class);

    /** KEYS[1] the hash; ARGV token, value, time to live (ms). {0, stored} refused, {1} written. */
    private static final RedisScript<List> WRITE = RedisScript.of(NEWER + """
            local stored = redis.call('HGET', KEYS[1], 'token')
            if stored and newer(stored, ARGV[1]) then return {0, stored} end
            redis.call('HSET', KEYS[1], 'token', ARGV[1], 'value', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {1}
            """, List.class);

    private final StringRedisTemplate redis;
    private final Duration timeToLive;

    /**
     * @param connections the Redis that keeps the data
     * @param timeToLive how long a key lives after its last write, or after a read created it
     */
    public RedisFencedWrites(RedisConnectionFactory connections, Duration timeToLive) {
        this.redis = new StringRedisTemplate(Objects.requireNonNull(connections, "connections"));
        this.timeToLive = positive(timeToLive);
    }

    /**
     * Admits the holder of {@code lease} to {@code key} and returns its value (null when none was written):
     * the guard before the read, which raises the stored token to the lease's.
     *
     * @throws StaleFencingTokenException when {@code key} already saw a newer token
     */
    public @Nullable String read(Lease lease, String key) {
        List<?> answer = run(READ, lease, key, token(lease), millis(timeToLive));
        return answer.size() > 1 ? (String) answer.get(1) : null;
    }

    /** Writes {@code value} at {@code key} with this helper's time to live; see {@link #write(Lease, String, String, Duration)}. */
    public void write(Lease lease, String key, String value) {
        write(lease, key, value, timeToLive);
    }

    /**
     * Writes {@code value} at {@code key}, which then expires after {@code timeToLive}, unless {@code key}
     * already saw a newer token than the lease's; raises the stored token to the lease's.
     *
     * @throws StaleFencingTokenException when {@code key} already saw a newer token; nothing is written
     */
    public void write(Lease lease, String key, String value, Duration timeToLive) {
        Objects.requireNonNull(value, "value");
        run(WRITE, lease, key, token(lease), value, millis(positive(timeToLive)));
    }

    private List<?> run(RedisScript<List> script, Lease lease, String key, String... arguments) {
        Objects.requireNonNull(key, "key");
        List<?> answer = redis.execute(script, List.of(key), (Object[]) arguments);
        if (answer == null || answer.isEmpty()) {
            throw new IllegalStateException("Redis gave no answer to the fenced access of " + key);
        }
        if (((Number) answer.get(0)).longValue() == 0) {
            LockRequest request = lease.request();
            throw new StaleFencingTokenException(
                    request.name(), lease.fencingToken(), Long.parseLong((String) answer.get(1)));
        }
        return answer;
    }

    private static String token(Lease lease) {
        LockRequest request = lease.request();
        if (request.mode() != LockMode.EXCLUSIVE) {
            throw new IllegalArgumentException(
                    "Lock '" + request.name() + "' is shared: fenced writes need the exclusive lease of the writer");
        }
        long token = lease.fencingToken();
        if (token < 0) {
            throw new IllegalArgumentException("Fencing tokens are never negative: " + token);
        }
        return Long.toString(token);
    }

    private static String millis(Duration duration) {
        return Long.toString(Math.max(1, duration.toMillis()));
    }

    private static Duration positive(Duration timeToLive) {
        Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive, not " + timeToLive);
        }
        return timeToLive;
    }
}
