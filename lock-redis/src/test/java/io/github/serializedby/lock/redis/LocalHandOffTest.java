package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A lock held in Redis passes from a releasing holder to the next waiter of the same JVM without being
 * released in Redis, within the fairness bound; each local holder has a fencing token of its own, and
 * once the bound is reached a waiting instance goes first.
 */
@Timeout(60)
class LocalHandOffTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    @Test
    void theLockPassesToLocalWaitersWithoutLeavingRedisUpToTheBound() throws Exception {
        LockRequest request = LockRequest.exclusive("handoff." + UUID.randomUUID(), "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .localHandOff(3, Duration.ofMinutes(1))
                .build();
        List<Set<String>> holdersInRedis = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            Lease first = provider.tryAcquire(request).orElseThrow();
            List<CompletableFuture<Optional<Lease>>> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(provider.acquire(request, Duration.ofSeconds(30)));
            }
            holdersInRedis.add(holders(request));
            tokens.add(first.fencingToken());
            first.release();
            for (CompletableFuture<Optional<Lease>> next : waiting) {
                Lease lease = next.get(30, TimeUnit.SECONDS).orElseThrow();
                holdersInRedis.add(holders(request));
                tokens.add(lease.fencingToken());
                assertThat(provider.tryAcquire(request))
                        .as("a try while the lock passes on")
                        .isEmpty();
                lease.release();
            }
        }
        assertThat(holdersInRedis.subList(0, 4))
                .as("the first holder and three hand-offs keep one holder in Redis")
                .allSatisfy(held -> assertThat(held).isEqualTo(holdersInRedis.get(0)));
        assertThat(holdersInRedis.get(4))
                .as("after the bound, a new acquisition")
                .isNotEqualTo(holdersInRedis.get(0));
        assertThat(holdersInRedis).allSatisfy(held -> assertThat(held).hasSize(1));
        assertThat(tokens.subList(0, 4))
                .as("tokens of the hand-offs")
                .containsExactly(tokens.get(0), tokens.get(0) + 1, tokens.get(0) + 2, tokens.get(0) + 3);
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void withoutHandOffEveryHolderIsANewAcquisition() throws Exception {
        LockRequest request = LockRequest.exclusive("handoff." + UUID.randomUUID(), "k");
        RedisLockOptions options =
                RedisLockOptions.builder().withoutLocalHandOff().build();
        List<Set<String>> holdersInRedis = new ArrayList<>();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            Lease first = provider.tryAcquire(request).orElseThrow();
            CompletableFuture<Optional<Lease>> second = provider.acquire(request, Duration.ofSeconds(30));
            holdersInRedis.add(holders(request));
            first.release();
            Lease lease = second.get(30, TimeUnit.SECONDS).orElseThrow();
            holdersInRedis.add(holders(request));
            lease.release();
        }
        assertThat(holdersInRedis.get(1)).isNotEqualTo(holdersInRedis.get(0));
    }

    @Test
    void theTimeSliceEndsHandOffs() throws Exception {
        LockRequest request = LockRequest.exclusive("handoff." + UUID.randomUUID(), "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .localHandOff(16, Duration.ofMillis(1))
                .build();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            Lease first = provider.tryAcquire(request).orElseThrow();
            Set<String> firstHolder = holders(request);
            CompletableFuture<Optional<Lease>> second = provider.acquire(request, Duration.ofSeconds(30));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
            first.release();
            Lease lease = second.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(holders(request)).hasSize(1).isNotEqualTo(firstHolder);
            lease.release();
        }
    }

    /**
     * Instance A holds the key with local waiters queued, instance B waits too: once A's bound is reached,
     * B takes the lock before A's next waiter, which would otherwise win the race to Redis.
     */
    @Test
    void anotherInstanceGoesFirstOnceTheBoundIsReached() throws Exception {
        LockRequest request = LockRequest.exclusive("handoff." + UUID.randomUUID(), "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .localHandOff(1, Duration.ofMinutes(1))
                .build();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        try (RedisLockProvider a = new RedisLockProvider(redis.factory(), options);
                RedisLockProvider b = new RedisLockProvider(redis.factory(), options)) {
            // a subscription confirmed late signals every key, which rightly ends the turn of others
            a.subscribed().get(30, TimeUnit.SECONDS);
            b.subscribed().get(30, TimeUnit.SECONDS);
            Lease first = a.tryAcquire(request).orElseThrow();
            CompletableFuture<Void> fromB =
                    b.acquire(request, Duration.ofSeconds(30)).thenAccept(lease -> take(order, "b", lease));
            LocalRedis.awaitWaitingMarker(
                    redis.factory(), LockKeys.of(options.prefix(), request).hash());
            List<CompletableFuture<Void>> fromA = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String name = "a" + i;
                fromA.add(a.acquire(request, Duration.ofSeconds(30)).thenAccept(lease -> take(order, name, lease)));
            }
            first.release();
            CompletableFuture.allOf(fromB, fromA.get(0), fromA.get(1), fromA.get(2))
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(List.copyOf(order)).as("order of the grants").startsWith("a1", "b");
    }

    /** Two instances, eight threads each, on one key: never two holders, tokens strictly increasing. */
    @Test
    void tokensIncreaseStrictlyAcrossInstancesUnderContention() throws Exception {
        LockRequest request = LockRequest.exclusive("handoff." + UUID.randomUUID(), "k");
        List<Long> tokens = new ArrayList<>();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (RedisLockProvider a = new RedisLockProvider(redis.factory());
                RedisLockProvider b = new RedisLockProvider(redis.factory())) {
            for (int t = 0; t < 16; t++) {
                RedisLockProvider provider = t % 2 == 0 ? a : b;
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < 50; i++) {
                            Lease lease = provider.acquireBlocking(request, Duration.ofSeconds(30))
                                    .orElseThrow();
                            if (holders.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            synchronized (tokens) {
                                tokens.add(lease.fencingToken());
                            }
                            Thread.yield();
                            holders.decrementAndGet();
                            lease.release();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(50));
            }
            assertThat(failures).isEmpty();
            assertThat(overlaps).as("grants while another held the key").hasValue(0);
            assertThat(a.tryAcquire(request))
                    .as("free at the end")
                    .isPresent()
                    .get()
                    .satisfies(Lease::release);
        }
        assertThat(tokens).hasSize(16 * 50).isSorted().doesNotHaveDuplicates();
    }

    private static void take(ConcurrentLinkedQueue<String> order, String name, Optional<Lease> lease) {
        order.add(name);
        lease.orElseThrow().release();
    }

    /** The holder fields of the lock's hash in Redis. */
    private static Set<String> holders(LockRequest request) {
        String hash = LockKeys.of(RedisLockOptions.DEFAULT_PREFIX, request).hash();
        Map<Object, Object> entries =
                new StringRedisTemplate(redis.factory()).opsForHash().entries(hash);
        return entries.keySet().stream()
                .map(String::valueOf)
                .filter(field -> field.startsWith("h:"))
                .collect(Collectors.toSet());
    }
}
