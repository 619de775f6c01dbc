package io.github.serializedby.lock.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * The provider's one subscription: a pattern covering the channels of all its locks. A release message
 * is passed on with its channel, unless it is the provider's own ({@code ownMessage}: a release by which
 * the provider let another instance go first); a (re)subscription is passed on as a change of every lock, since
 * messages published while the subscription was down are lost. Both are passed on from the thread that
 * read them, one of Lettuce's, and must not block.
 */
final class ReleaseSubscription implements MessageListener, SubscriptionListener {

    private static final long FIRST_RETRY_MILLIS = 200;
    private static final long MAX_RETRY_MILLIS = 5_000;

    private final RedisConnectionFactory connectionFactory;
    private final String pattern;
    private final Scheduling scheduling;
    private final Consumer<String> released;
    private final Runnable resubscribed;
    private final String ownMessage;
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private @Nullable RedisConnection connection;
    private boolean closed;

    /** Where the subscription runs its work: a pool, directly or after a delay, never on an I/O thread. */
    interface Scheduling {
        void schedule(Runnable task, long delay, TimeUnit unit);

        void execute(Runnable task);
    }

    ReleaseSubscription(
            RedisConnectionFactory connectionFactory,
            String pattern,
            Scheduling scheduling,
            Consumer<String> released,
            Runnable resubscribed,
            String ownMessage) {
        this.connectionFactory = connectionFactory;
        this.pattern = pattern;
        this.scheduling = scheduling;
        this.released = released;
        this.resubscribed = resubscribed;
        this.ownMessage = ownMessage;
    }

    /** Subscribes in the background, trying again with back-off while Redis cannot be reached. */
    void start() {
        scheduling.execute(() -> subscribe(FIRST_RETRY_MILLIS));
    }

    @Override
    public void onMessage(Message message, byte @Nullable [] pattern) {
        if (ownMessage.equals(new String(message.getBody(), StandardCharsets.UTF_8))) {
            return;
        }
        released.accept(new String(message.getChannel(), StandardCharsets.UTF_8));
    }

    @Override
    public void onPatternSubscribed(byte[] pattern, long count) {
        subscribed.complete(null);
        resubscribed.run();
    }

    /** Completes once Redis confirmed the subscription the first time. */
    CompletableFuture<Void> subscribed() {
        return subscribed;
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
