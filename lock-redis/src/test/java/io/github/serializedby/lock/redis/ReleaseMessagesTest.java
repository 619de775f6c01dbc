package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A release is published only while someone waits for the lock in Redis: a waiter of another instance,
 * whose refused attempt marked the lock as waited for. (A waiter of the same instance waits in its
 * waiting room, and is served by the release itself.)
 */
@Timeout(60)
class ReleaseMessagesTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final LockRequest request = LockRequest.exclusive("messages." + UUID.randomUUID(), "k");

    @Test
    void aReleaseNobodyWaitsForIsNotPublishedAndOneAWaiterWaitsForIs() throws Exception {
        RedisClient client = RedisClient.create(LocalRedis.URI);
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory());
                RedisLockProvider other = new RedisLockProvider(redis.factory());
                StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub()) {
            String channel = LockKeys.of(provider.options().prefix(), request).channel();
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            pubSub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String from, String message) {
                    messages.add(message);
                }
            });
            pubSub.sync().subscribe(channel);

            provider.tryAcquire(request).orElseThrow().release();
            assertThat(messages.poll(200, TimeUnit.MILLISECONDS)).isNull();

            Lease held = provider.tryAcquire(request).orElseThrow();
            CompletableFuture<Optional<Lease>> waiting = other.acquire(request, Duration.ofSeconds(10));
            LocalRedis.awaitWaitingMarker(redis.factory(), channel);
            held.release();
            assertThat(messages.poll(5, TimeUnit.SECONDS)).isEqualTo("released");
            waiting.get(10, TimeUnit.SECONDS).orElseThrow().release();
        } finally {
            client.shutdown();
        }
    }
}
