package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockMode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The provider's round trips to Redis, one {@link LockScripts script} each, over the factory's shared
 * connection. Every call ends within the operation timeout, and fails rather than throws.
 */
final class LockCommands {

    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;
    private final String leaseMillis;
    private final String markerMillis;

    LockCommands(
            ReactiveRedisConnectionFactory connectionFactory, Duration timeout, long leaseMillis, long markerMillis) {
        this.redis = new ReactiveStringRedisTemplate(connectionFactory);
        this.timeout = timeout;
        this.leaseMillis = Long.toString(leaseMillis);
        this.markerMillis = Long.toString(markerMillis);
    }

    /**
     * The fencing token when granted, else minus one minus the milliseconds until what is in the way
     * expires. {@code writer} is the token of a waiting writer, whose marker the script sets, or empty.
     */
    CompletableFuture<Long> acquire(LockKeys keys, LockMode mode, String token, String writer) {
        String modeCode = mode == LockMode.EXCLUSIVE ? "x" : "s";
        return call(LockScripts.ACQUIRE, keys.both(), token, modeCode, leaseMillis, writer, markerMillis);
    }

    /** 1 when the token held the lock and let it go, 0 when it no longer held it. */
    CompletableFuture<Long> release(LockKeys keys, String token) {
        return call(LockScripts.RELEASE, keys.hashOnly(), token, keys.channel());
    }

    /** 1 when the token still held the lock and has a full lease again, 0 when it has lost it. */
    CompletableFuture<Long> renew(LockKeys keys, String token) {
        return call(LockScripts.RENEW, keys.hashOnly(), token, leaseMillis);
    }

    /** Removes a waiting writer's marker. */
    CompletableFuture<Long> stopWaiting(LockKeys keys, String token) {
        return call(LockScripts.STOP_WAITING, keys.hashOnly(), token, keys.channel());
    }

    /** Waits for a reply, which the timeout bounds; an interrupt is kept for the caller, not acted on. */
    static long await(CompletableFuture<Long> reply) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return reply.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @SuppressWarnings("NullAway") // switchIfEmpty turns an empty reply into a failure, so the value is never null
    private CompletableFuture<Long> call(RedisScript<Long> script, List<String> keys, String... args) {
        return Mono.defer(() ->
                        redis.execute(script, keys, List.of((Object[]) args)).next())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("Redis gave no answer to a lock script")))
                .timeout(timeout)
                .toFuture();
    }
}
