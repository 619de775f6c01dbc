package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;

/**
 * In a Redis Cluster every script touches the keys of one hash slot only, whichever master owns it: many
 * locks spread over all three masters are acquired, contended by a waiter of another instance, and released,
 * the releases published by the scripts on every master reach a pattern subscription connected to one node,
 * and nothing but the fence keys (each with a time to live) is left.
 */
@Timeout(180)
class ClusterSlotsTest {

    private static final int LOCKS = 300;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection(RedisTopology.CLUSTER);

    private final String prefix = "slots-" + UUID.randomUUID() + ":";
    private final RedisLockOptions options = RedisLockOptions.builder()
            .prefix(prefix)
            .operationTimeout(Duration.ofSeconds(10))
            .build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void deleteWhatIsLeft() {
        scheduler.shutdownNow();
        try (RedisClusterConnection cluster = redis.factory().getClusterConnection()) {
            for (RedisClusterNode master : masters(cluster)) {
                for (byte[] key : keysUnderPrefix(cluster, master)) {
                    cluster.keyCommands().del(key);
                }
            }
        }
    }

    @Test
    void locksOnEveryMasterAreAcquiredContendedAndReleasedThroughOneSlotEach() throws Exception {
        List<LockRequest> requests = new ArrayList<>();
        Map<LockRequest, LockKeys> keys = new HashMap<>();
        Map<String, RedisClusterNode> masterOfChannel = new HashMap<>();
        Map<RedisClusterNode, Integer> locksPerMaster = new HashMap<>();
        try (RedisClusterConnection cluster = redis.factory().getClusterConnection()) {
            assertThat(masters(cluster)).as("masters serving slots").hasSize(3);
            for (int i = 0; i < LOCKS; i++) {
                LockRequest request = LockRequest.exclusive("slots.lock-" + i % 7, "key-" + i);
                LockKeys lock = LockKeys.of(prefix, request);
                // Asked of Redis (CLUSTER KEYSLOT), not computed here.
                int slot = cluster.clusterGetSlotForKey(bytes(lock.hash()));
                assertThat(cluster.clusterGetSlotForKey(bytes(lock.fence())))
                        .as("slot of the fence key of %s", lock.hash())
                        .isEqualTo(slot);
                RedisClusterNode master = cluster.clusterGetNodeForSlot(slot);
                requests.add(request);
                keys.put(request, lock);
                masterOfChannel.put(lock.channel(), master);
                locksPerMaster.merge(master, 1, Integer::sum);
            }
            assertThat(locksPerMaster).as("locks per master").hasSize(3);
            // Every master has forgotten the scripts: each must load them again (NOSCRIPT, then EVAL).
            cluster.scriptingCommands().scriptFlush();
        }

        Set<String> published = ConcurrentHashMap.newKeySet();
        CountDownLatch subscribed = new CountDownLatch(1);
        ReleaseSubscription subscription = new ReleaseSubscription(
                redis.factory(),
                LockKeys.channelPattern(prefix),
                scheduling(),
                published::add,
                subscribed::countDown,
                "");
        try (RedisTopology.Connected otherInstance = RedisTopology.CLUSTER.connect();
                RedisLockProvider holder = new RedisLockProvider(redis.factory(), options);
                RedisLockProvider waiter = new RedisLockProvider(otherInstance.factory(), options)) {
            subscription.start();
            assertThat(subscribed.await(30, TimeUnit.SECONDS)).as("subscribed").isTrue();

            Map<LockRequest, Lease> held = new HashMap<>();
            for (LockRequest request : requests) {
                held.put(request, holder.tryAcquire(request).orElseThrow());
            }
            Map<LockRequest, CompletableFuture<Optional<Lease>>> waiting = new HashMap<>();
            for (LockRequest request : requests) {
                waiting.put(request, waiter.acquire(request, Duration.ofSeconds(120)));
            }
            for (LockRequest request : requests) {
                LocalRedis.awaitWaitingMarker(redis.factory(), keys.get(request).hash());
            }
            assertThat(waiting.values()).noneMatch(CompletableFuture::isDone);

            for (LockRequest request : requests) {
                held.get(request).release();
            }
            for (LockRequest request : requests) {
                Lease granted = waiting.get(request).get(120, TimeUnit.SECONDS).orElseThrow();
                assertThat(granted.fencingToken())
                        .isGreaterThan(held.get(request).fencingToken());
                assertThat(holder.tryAcquire(request))
                        .as("held by the other instance")
                        .isEmpty();
                granted.release();
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (published.size() < LOCKS && System.nanoTime() < deadline) {
                Thread.sleep(50); // polls a set filled by Lettuce's thread; no event to wait on
            }
            Set<RedisClusterNode> publishingMasters = new HashSet<>();
            for (LockKeys lock : keys.values()) {
                assertThat(published).as("releases heard").contains(lock.channel());
                publishingMasters.add(masterOfChannel.get(lock.channel()));
            }
            assertThat(publishingMasters).hasSize(3);
        } finally {
            subscription.close();
        }

        assertOnlyFenceKeysAreLeft();
    }

    /** Waiting markers end within three seconds of the last waiter; fence keys stay a day, and expire. */
    private void assertOnlyFenceKeysAreLeft() throws InterruptedException {
        try (RedisClusterConnection cluster = redis.factory().getClusterConnection()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> locks;
            do {
                locks = new ArrayList<>();
                for (RedisClusterNode master : masters(cluster)) {
                    for (byte[] key : keysUnderPrefix(cluster, master)) {
                        String name = new String(key, StandardCharsets.UTF_8);
                        if (name.endsWith(":fence")) {
                            assertThat(cluster.keyCommands().pTtl(key))
                                    .as("time to live of %s", name)
                                    .isPositive();
                        } else {
                            locks.add(name);
                        }
                    }
                }
            } while (!locks.isEmpty() && System.nanoTime() < deadline && sleep());
            assertThat(locks).as("lock hashes left on the masters").isEmpty();
        }
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200); // the markers' own expiry, in Redis, is what is waited for
        return true;
    }

    private Set<byte[]> keysUnderPrefix(RedisClusterConnection cluster, RedisClusterNode master) {
        Set<byte[]> found = cluster.keys(master, bytes(LockKeys.channelPattern(prefix)));
        return found == null ? Set.of() : found;
    }

    private static List<RedisClusterNode> masters(RedisClusterConnection cluster) {
        List<RedisClusterNode> masters = new ArrayList<>();
        for (RedisClusterNode node : cluster.clusterGetNodes()) {
            if (node.isMaster() && !node.getSlotRange().getSlots().isEmpty()) {
                masters.add(node);
            }
        }
        return masters;
    }

    private ReleaseSubscription.Scheduling scheduling() {
        return new ReleaseSubscription.Scheduling() {
            @Override
            public void schedule(Runnable task, long delay, TimeUnit unit) {
                scheduler.schedule(task, delay, unit);
            }

            @Override
            public void execute(Runnable task) {
                scheduler.execute(task);
            }
        };
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
