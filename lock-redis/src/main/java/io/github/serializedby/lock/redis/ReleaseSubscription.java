package io.github.serializedby.lock.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The provider's one subscription: a pattern covering the channels of all its locks, and the local
 * waiters of each channel. A release message wakes the waiters of its lock; a (re)subscription wakes all
 * of them, since messages published while the subscription was down are lost.
 *
 * <p>Invariant: a waiter is registered before its first attempt and unregistered only after its future
 * is complete, so a release that follows a refused attempt always finds it.
 */
final class ReleaseSubscription implements MessageListener, SubscriptionListener {

    private static final long FIRST_RETRY_MILLIS = 200;
    private static final long MAX_RETRY_MILLIS = 5_000;

    private final RedisConnectionFactory connectionFactory;
    private final String pattern;
    private final Scheduling scheduling;
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private @Nullable RedisConnection connection;
    private boolean closed;

    /** Where the subscription runs its work: a pool, directly or after a delay, never on an I/O thread. */
    interface Scheduling {
        void schedule(Runnable task, long delay, TimeUnit unit);

        void execute(Runnable task);
    }

    ReleaseSubscription(RedisConnectionFactory connectionFactory, String pattern, Scheduling scheduling) {
        this.connectionFactory = connectionFactory;
        this.pattern = pattern;
        this.scheduling = scheduling;
    }

    /** Subscribes in the background, trying again with back-off while Redis cannot be reached. */
    void start() {
        scheduling.execute(() -> subscribe(FIRST_RETRY_MILLIS));
    }

    void register(Waiter waiter) {
        waiters.computeIfAbsent(waiter.keys.channel(), channel -> ConcurrentHashMap.newKeySet())
                .add(waiter);
    }

    void unregister(Waiter waiter) {
        waiters.computeIfPresent(waiter.keys.channel(), (channel, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    /** Every waiter still registered, for the provider to fail when it closes. */
    void forEachWaiter(Consumer<Waiter> action) {
        waiters.values().forEach(set -> set.forEach(action));
    }

    @Override
    public void onMessage(Message message, byte @Nullable [] pattern) {
        Set<Waiter> listening = waiters.get(new String(message.getChannel(), StandardCharsets.UTF_8));
        if (listening != null) {
            listening.forEach(Waiter::wake);
        }
    }

    @Override
    public void onPatternSubscribed(byte[] pattern, long count) {
        forEachWaiter(Waiter::wake);
    }

    private void subscribe(long retryMillis) {
        RedisConnection opened = null;
        try {
            synchronized (this) {
                if (closed || connection != null) {
                    return;
                }
            }
            // Opened outside the lock: close() must never wait for a connect that may hang.
            opened = connectionFactory.getConnection();
            synchronized (this) {
                if (closed) {
                    closeQuietly(opened);
                    return;
                }
                connection = opened;
            }
            // Returns once Redis confirmed; Lettuce subscribes again by itself after a reconnect.
            opened.pSubscribe(this, pattern.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            synchronized (this) {
                connection = null;
            }
            closeQuietly(opened);
            synchronized (this) {
                if (!closed) {
                    long next = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
                    scheduling.schedule(() -> subscribe(next), retryMillis, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    void close() {
        RedisConnection open;
        synchronized (this) {
            closed = true;
            open = connection;
            connection = null;
        }
        closeQuietly(open);
    }

    private static void closeQuietly(@Nullable RedisConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                // Closing a connection to a Redis that is gone: nothing left to release.
            }
        }
    }
}
