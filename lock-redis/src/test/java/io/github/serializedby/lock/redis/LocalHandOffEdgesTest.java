package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Edges of local hand-off found in review: without renewal, a writer that gives up, other instances' readers. */
@Timeout(60)
class LocalHandOffEdgesTest {

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    /**
     * Without renewal a lock lasts one lease time from its acquisition in Redis: a waiter it passed to late
     * in that lease would hold a lock that another instance takes long before the waiter's own lease time
     * has passed, so such locks are not passed on.
     */
    @Test
    void aHolderGrantedByHandOffWithoutRenewalKeepsTheLockForALeaseTime() throws Exception {
        LockRequest request = LockRequest.exclusive("review." + UUID.randomUUID(), "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .leaseTime(Duration.ofSeconds(2))
                .withoutRenewal()
                .localHandOff(16, Duration.ofMinutes(1))
                .build();
        try (RedisLockProvider a = new RedisLockProvider(redis.factory(), options);
                RedisLockProvider other = new RedisLockProvider(redis.factory(), options)) {
            Lease first = a.tryAcquire(request).orElseThrow();
            CompletableFuture<Optional<Lease>> second = a.acquire(request, Duration.ofSeconds(30));
            Thread.sleep(1500);
            first.release();
            Lease passed = second.get(30, TimeUnit.SECONDS).orElseThrow();
            long grantedAt = System.nanoTime();
            Thread.sleep(900);
            assertThat(System.nanoTime() - grantedAt).isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
            Optional<Lease> taken = other.tryAcquire(request);
            taken.ifPresent(Lease::release);
            passed.release();
            assertThat(taken)
                    .as("another instance within the passed holder's lease time")
                    .isEmpty();
        }
    }

    /**
     * A JVM that let another instance's writer go first waits for a signal; when that writer gives up
     * instead, its leaving is published, and the local waiters take the free key without waiting out the
     * other writer's marker time (3 s).
     */
    @Test
    void localWaitersGoOnAtOnceWhenTheInstanceTheyLetFirstGivesUp() throws Exception {
        LockRequest request = LockRequest.exclusive("review." + UUID.randomUUID(), "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .localHandOff(1, Duration.ofMinutes(1))
                .build();
        String hash = LockKeys.of(options.prefix(), request).hash();
        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        try (RedisLockProvider a = new RedisLockProvider(redis.factory(), options)) {
            // a subscription confirmed late signals every key, which would end the turn of others early
            a.subscribed().get(30, TimeUnit.SECONDS);
            Lease first = a.tryAcquire(request).orElseThrow();
            // another instance's writer waits (its marker, as its refused attempt would set it)
            long until = redisMillis(template) + 60_000;
            template.opsForHash().put(hash, "w:other", Long.toString(until));
            template.opsForHash().put(hash, "waiting", Long.toString(until));
            CompletableFuture<Optional<Lease>> second = a.acquire(request, Duration.ofSeconds(30));
            CompletableFuture<Optional<Lease>> third = a.acquire(request, Duration.ofSeconds(30));
            first.release();
            Lease passed = second.get(30, TimeUnit.SECONDS).orElseThrow();
            passed.release(); // bound reached: released to others, who wait
            assertThat(third).isNotDone();
            // the other instance's writer gives up
            template.execute(LockScripts.STOP_WAITING, List.of(hash), "other");
            long gaveUpAt = System.nanoTime();
            Lease last = third.get(30, TimeUnit.SECONDS).orElseThrow();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gaveUpAt);
            last.release();
            assertThat(tookMillis)
                    .as("ms until the local waiter took the free key")
                    .isLessThan(1500);
        }
    }

    /**
     * Two threads of one instance take a key in turns, each while the other waits locally; a reader of
     * another instance gets in, as no writer marker of the first instance holds it back.
     */
    @Test
    void aReaderOfAnotherInstanceIsServedWhileLocalWritersTakeTurns() throws Exception {
        String name = "review." + UUID.randomUUID();
        LockRequest write = LockRequest.exclusive(name, "k");
        LockRequest read = LockRequest.shared(name, "k");
        RedisLockOptions options = RedisLockOptions.builder()
                .localHandOff(1, Duration.ofMinutes(1))
                .build();
        AtomicBoolean stop = new AtomicBoolean();
        try (RedisLockProvider a = new RedisLockProvider(redis.factory(), options);
                RedisLockProvider c = new RedisLockProvider(redis.factory(), options)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            Lease lease = a.acquireBlocking(write, Duration.ofSeconds(30))
                                    .orElseThrow();
                            Thread.sleep(20);
                            lease.release();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                writers.add(thread);
                thread.start();
            }
            Thread.sleep(300);
            Optional<Lease> reader = c.acquire(read, Duration.ofSeconds(8)).get(30, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread thread : writers) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            reader.ifPresent(Lease::release);
            assertThat(reader).as("the other instance's reader within 8 s").isPresent();
        }
    }

    private static long redisMillis(StringRedisTemplate template) {
        return Objects.requireNonNull(
                template.execute((RedisCallback<Long>) c -> c.serverCommands().time()));
    }
}
