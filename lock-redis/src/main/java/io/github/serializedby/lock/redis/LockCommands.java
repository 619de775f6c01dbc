package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.support.LeaseFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The provider's round trips to Redis, one {@link LockScripts script} each. With a standalone Lettuce
 * client they go straight through a connection of the provider's own ({@code EVALSHA}, falling back to
 * {@code EVAL} when Redis has forgotten the script); otherwise (a Redis Cluster) through the factory's
 * reactive template, which routes each script to the master of its keys' slot.
 * Once closed, every call fails at once: a late call must not open connections of the factory's from
 * whatever thread makes it, which may be one of Lettuce's own. Every call ends within the operation
 * timeout (once connected), and fails rather than throws.
 */
final class LockCommands implements AutoCloseable {

    private final ReactiveRedisConnectionFactory connectionFactory;
    private final ReactiveStringRedisTemplate redis;
    private final @Nullable RedisClient client;
    /** Whether the factory's reactive connection was opened once, for the template. */
    private volatile boolean templateConnected;

    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;
    /** Held while the provider's own connection is opened, so that only one is. */
    private final Object connecting = new Object();

    private final Duration timeout;
    private final long timeoutNanos;
    private final String leaseMillis;
    private final String markerMillis;
    private final String fenceMillis;

    LockCommands(
            ReactiveRedisConnectionFactory connectionFactory, Duration timeout, long leaseMillis, long markerMillis) {
        this.connectionFactory = connectionFactory;
        this.redis = new ReactiveStringRedisTemplate(connectionFactory);
        this.client = connectionFactory instanceof LettuceConnectionFactory lettuce
                        && lettuce.getNativeClient() instanceof RedisClient standalone
                ? standalone
                : null;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.leaseMillis = Long.toString(leaseMillis);
        this.markerMillis = Long.toString(markerMillis);
        this.fenceMillis = Long.toString(fenceMillis(leaseMillis));
    }

    /** How long a fence key outlives its key's last grant: a day, or two leases when they are longer. */
    static long fenceMillis(long leaseMillis) {
        return Math.max(TimeUnit.DAYS.toMillis(1), 2 * leaseMillis);
    }

    /**
     * Waits on the calling thread for one try: the fencing token when granted, else minus one minus the
     * milliseconds until what is in the way expires. A caller that {@code waits} has its provider's
     * waiting markers (under {@code markerToken}) set when refused. A grant counts out {@code tokens}
     * fencing tokens, of which the first is returned.
     */
    long acquireNow(LockKeys keys, LockMode mode, String token, String markerToken, boolean waits, String tokens)
            throws ExecutionException {
        String modeCode = mode == LockMode.EXCLUSIVE ? "x" : "s";
        return await(send(
                LockScripts.ACQUIRE,
                keys.both(),
                token,
                modeCode,
                leaseMillis,
                waits ? markerMillis : "0",
                fenceMillis,
                markerToken,
                tokens));
    }

    /** 1 when the token held the lock and let it go, 0 when it no longer held it. */
    CompletableFuture<Long> release(LockKeys keys, String token) {
        return bounded(send(LockScripts.RELEASE, keys.hashOnly(), token));
    }

    /** {@link #release} on the calling thread. */
    long releaseNow(LockKeys keys, String token) throws ExecutionException {
        return await(send(LockScripts.RELEASE, keys.hashOnly(), token));
    }

    /**
     * {@link #releaseNow} for a provider whose callers still wait: 2 when the token held the lock and another
     * provider's writer waits, 1 when it held it and none does, 0 when it no longer held it.
     */
    long releaseToOthersNow(LockKeys keys, String token, String markerToken) throws ExecutionException {
        return await(send(LockScripts.RELEASE_TO_OTHERS, keys.hashOnly(), token, markerToken, markerMillis));
    }

    /** 1 when the token still held the lock and has a full lease again, 0 when it has lost it. */
    CompletableFuture<Long> renew(LockKeys keys, String token) {
        return bounded(send(LockScripts.RENEW, keys.hashOnly(), token, leaseMillis));
    }

    /** Removes the provider's writer marker. */
    CompletableFuture<Long> stopWaiting(LockKeys keys, String markerToken) {
        return bounded(send(LockScripts.STOP_WAITING, keys.hashOnly(), markerToken));
    }

    /**
     * Opens the provider's own connection, or the factory's reactive connection that the template uses, so
     * that the first lock does not spend its operation timeout connecting (for a Cluster, reading its
     * topology from the nodes, which took seconds on a busy machine). Blocks; never on an I/O thread.
     */
    void connect() {
        if (closed) {
            return;
        }
        RedisClient standalone = client;
        try {
            if (standalone != null) {
                connection(standalone);
            } else if (!templateConnected) {
                // A shared native connection (the default) stays open once opened; this view of it closes.
                connectionFactory.getReactiveConnection().close();
                templateConnected = true;
            }
        } catch (RuntimeException e) {
            // Redis is not reachable yet: the first command connects, or fails closed.
        }
    }

    /** False while the provider's own connection has never been opened: no command of its was sent yet. */
    boolean mayHaveSent() {
        return client == null || connection != null;
    }

    /** Whether a command can be sent now without connecting first or borrowing a connection. */
    boolean sendsWithoutBlocking() {
        return client != null && connection != null && !closed;
    }

    @Override
    public void close() {
        // Never waits for a connect under way (it may hang once the client's event loops are shut down):
        // closed is set before connection is read, and a connect checks closed after setting connection,
        // so one of the two closes a connection that a late connect opens.
        closed = true;
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            open.closeAsync();
        }
    }

    /**
     * {@link #close()} once {@code pending} has completed: the owner's last commands, sent meanwhile, are
     * not cut off (a command whose script Redis had forgotten is sent a second time, which a connection
     * closed in between would lose). The owner sends nothing new from now on; a release or renewal that
     * passed its check just before the close may still go out, and is harmless.
     */
    void closeAfter(CompletableFuture<?> pending) {
        pending.whenComplete((result, failure) -> close());
    }

    /** The reply, unbounded in time unless it goes through the template. */
    private CompletableFuture<Long> send(RedisScript<Long> script, String[] keys, String... args) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("The Redis lock provider was closed"));
        }
        RedisClient standalone = client;
        if (standalone == null) {
            return callThroughTemplate(script, keys, args);
        }
        StatefulRedisConnection<String, String> open;
        try {
            open = connection(standalone);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        RedisAsyncCommands<String, String> commands = open.async();
        return commands.<Long>evalsha(script.getSha1(), ScriptOutputType.INTEGER, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(failure -> LeaseFutures.cause(failure) instanceof RedisNoScriptException
                        ? commands.<Long>eval(script.getScriptAsString(), ScriptOutputType.INTEGER, keys, args)
                                .toCompletableFuture()
                        : CompletableFuture.failedFuture(failure));
    }

    private CompletableFuture<Long> bounded(CompletableFuture<Long> reply) {
        return reply.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Waits on the calling thread for a reply, at most the operation timeout; an interrupt is kept for
     * the caller, not acted on.
     */
    private long await(CompletableFuture<Long> reply) throws ExecutionException {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return reply.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw new ExecutionException(new TimeoutException("Redis did not answer within " + timeout));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private StatefulRedisConnection<String, String> connection(RedisClient standalone) {
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            return open;
        }
        synchronized (connecting) {
            if (closed) {
                throw new IllegalStateException("The Redis lock provider was closed");
            }
            StatefulRedisConnection<String, String> opened = connection;
            if (opened == null) {
                opened = standalone.connect(StringCodec.UTF8);
                connection = opened;
                if (closed) {
                    opened.closeAsync();
                    throw new IllegalStateException("The Redis lock provider was closed");
                }
            }
            return opened;
        }
    }

    @SuppressWarnings("NullAway") // switchIfEmpty turns an empty reply into a failure, so the value is never null
    private CompletableFuture<Long> callThroughTemplate(RedisScript<Long> script, String[] keys, String... args) {
        return Mono.defer(() -> redis.execute(script, List.of(keys), List.of((Object[]) args))
                        .next())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("Redis gave no answer to a lock script")))
                .timeout(timeout)
                .toFuture();
    }
}
