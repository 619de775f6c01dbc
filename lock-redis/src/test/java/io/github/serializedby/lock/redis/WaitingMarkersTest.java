package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.StoredLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The waiting markers a store sets for its waiters: they stand exactly while a waiter of the store waits,
 * and what refused a waiter is retried when it expires.
 */
@Timeout(60)
class WaitingMarkersTest {

    private static final long LEASE_MILLIS = 30_000;
    private static final long MARKER_MILLIS = 30_000;
    private static final long RECHECK_MILLIS = MARKER_MILLIS / 3;
    private static final int ROUNDS = 50;
    private static final int WAITERS = 8;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final String name = "markers." + UUID.randomUUID();
    private final ProviderThreads threads = new ProviderThreads();
    private final List<RedisLockStore> stores = new ArrayList<>();
    private final List<LockCommands> commands = new ArrayList<>();

    @AfterEach
    void stopStores() {
        stores.forEach(RedisLockStore::close);
        threads.shutdown();
    }

    /** A provider closing while its writer waits takes its writer marker along, as a release would. */
    @Test
    void aClosedProvidersWriterMarkerDoesNotHoldBackAnotherInstancesReaders() throws Exception {
        LockRequest writer = LockRequest.exclusive(name, "closed");
        try (RedisLockProvider other = new RedisLockProvider(redis.factory())) {
            Lease held = other.tryAcquire(writer).orElseThrow();
            RedisLockProvider closing = new RedisLockProvider(redis.factory());
            CompletableFuture<Optional<Lease>> waiting = closing.acquire(writer, Duration.ofSeconds(30));
            String hash = LockKeys.of(closing.options().prefix(), writer).hash();
            awaitWriterMarker(hash);

            flushScripts(); // as on a Redis that has not run the script yet: the marker's removal is sent twice
            closing.close();
            assertThat(waiting).failsWithin(10, TimeUnit.SECONDS);
            // Close sends the removal without waiting for it. Left in place, an expired marker would stay
            // in the hash until a script looked at it, which nothing does while this waits.
            awaitWriterMarker(hash, false);
            held.release();

            assertThat(other.tryAcquire(LockRequest.shared(name, "closed")))
                    .as("a reader of the instance left, while nobody waits any more")
                    .isPresent()
                    .get()
                    .satisfies(Lease::release);
        }
    }

    /**
     * The room counts a waiter only after its first attempt was refused, and not at all when it closed
     * meanwhile: the marker that attempt set is removed by close all the same.
     */
    @Test
    void aClosingStoreRemovesTheMarkerOfAnAttemptNoWaiterFollowed() throws Exception {
        LockRequest request = LockRequest.exclusive(name, "not-counted");
        RedisLockStore holder = store(keys -> {});
        LockKeys keys = holder.key(request);
        StoredLock held = Objects.requireNonNull(holder.tryLock(request, keys, false));
        RedisLockStore closing = store(k -> {});

        assertThat(closing.tryLock(request, keys, true)).isNull();
        awaitWriterMarker(keys.hash());
        closing.close();

        awaitWriterMarker(keys.hash(), false);
        held.release();
    }

    /**
     * A store closing while its waiters' attempts are under way: an attempt sent just after close sent its
     * marker removals would set a marker that stays, so close lets the attempts it saw be answered before
     * it removes their markers, and refuses the attempts it did not see.
     */
    @Test
    void attemptsUnderWayWhileTheStoreClosesLeaveNoWriterMarker() throws Exception {
        LockRequest request = LockRequest.exclusive(name, "under-way");
        RedisLockStore holder = store(keys -> {});
        LockKeys keys = holder.key(request);
        StoredLock held = Objects.requireNonNull(holder.tryLock(request, keys, false));
        for (int round = 0; round < ROUNDS; round++) {
            RedisLockStore closing = store(k -> {});
            assertThat(closing.tryLock(request, keys, true)).isNull(); // connected, and the marker set once
            CountDownLatch trying = new CountDownLatch(WAITERS);
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                Thread waiter = new Thread(() -> {
                    trying.countDown();
                    try {
                        while (true) {
                            var unused = closing.tryLock(request, keys, true);
                        }
                    } catch (LockProviderUnavailableException e) {
                        // closed
                    }
                });
                waiter.start();
                waiters.add(waiter);
            }
            trying.await();
            flushScripts(); // as on a Redis that has not run the scripts yet: some are sent twice
            closing.close();
            for (Thread waiter : waiters) {
                waiter.join();
            }
            awaitWriterMarker(keys.hash(), false);
        }
        held.release();
    }

    /**
     * A waiter that leaves before the provider ever connected has no marker to remove: nothing is sent,
     * so no connection is opened under the monitor that close and every attempt take.
     */
    @Test
    void aWaiterLeavingBeforeTheFirstConnectionSendsNothing() {
        RedisLockStore store = store(keys -> {});
        LockKeys keys = store.key(LockRequest.exclusive(name, "never-connected"));

        store.startWaiting(keys);
        store.stopWaiting(keys);

        assertThat(commands.get(0).sendsWithoutBlocking())
                .as("no connection was opened")
                .isFalse();
    }

    /**
     * A holder that died publishes nothing: a waiter refused by an entry that expires before the next
     * recheck is signalled once it has expired, rather than at the recheck.
     */
    @Test
    void aWaiterRefusedByAnEntryExpiringBeforeTheRecheckIsSignalledWhenItExpires() throws InterruptedException {
        CountDownLatch signalled = new CountDownLatch(1);
        RedisLockStore store = store(keys -> signalled.countDown());
        LockRequest request = LockRequest.exclusive(name, "dead-holder");
        LockKeys keys = store.key(request);
        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        LockRequest connect = LockRequest.exclusive(name, "connect");
        Objects.requireNonNull(store.tryLock(connect, store.key(connect), false))
                .release();
        long expiresIn = RECHECK_MILLIS / 3;
        template.opsForHash().put(keys.hash(), "h:dead", Long.toString(redisMillis(template) + expiresIn));
        template.expire(keys.hash(), Duration.ofMillis(expiresIn));

        assertThat(store.tryLock(request, keys, true)).isNull();

        assertThat(signalled.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS))
                .as("the key was signalled once the dead holder's entry expired (recheck every %d ms)", RECHECK_MILLIS)
                .isTrue();
    }

    /**
     * The last waiter of a key leaving while a new waiter's refused attempt has just set the writer marker,
     * before the new waiter is counted: the new waiter must not be left waiting without its marker until
     * its recheck (other instances' readers would overtake it meanwhile).
     */
    @Test
    void aWaiterCountedJustAfterTheLastOneLeftKeepsItsWriterMarker() throws Exception {
        RedisLockStore store = store(keys -> {});
        LockRequest request = LockRequest.exclusive(name, "hand-over");
        LockKeys keys = store.key(request);
        StoredLock held = Objects.requireNonNull(store.tryLock(request, keys, false));
        RedisHold hold = (RedisHold) held;

        store.startWaiting(keys); // the old waiter
        assertThat(store.tryLock(request, keys, true))
                .as("the new waiter is refused")
                .isNull();
        store.stopWaiting(keys); // the old waiter leaves
        boolean retryAtOnce = store.startWaiting(keys); // the new waiter is counted
        awaitEverySent(store, hold);

        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        boolean marked = template.opsForHash().keys(keys.hash()).stream()
                .anyMatch(field -> field.toString().startsWith("w:"));
        assertThat(marked || retryAtOnce)
                .as("the new waiter has its writer marker, or is told to try again at once")
                .isTrue();
        held.release();
    }

    private RedisLockStore store(Consumer<LockKeys> expired) {
        LockCommands commands = new LockCommands(redis.factory(), Duration.ofSeconds(5), LEASE_MILLIS, MARKER_MILLIS);
        this.commands.add(commands);
        RedisLockStore store = new RedisLockStore(
                commands,
                threads,
                "markers-test:",
                TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS),
                0,
                MARKER_MILLIS,
                RedisLockOptions.DEFAULT_LOCAL_HAND_OFFS,
                RedisLockOptions.DEFAULT_HAND_OFF_SLICE.toNanos(),
                expired);
        stores.add(store);
        return store;
    }

    /** One more round trip on the store's connection, answered after every command sent before it. */
    private static void awaitEverySent(RedisLockStore store, RedisHold hold)
            throws ExecutionException, InterruptedException, TimeoutException {
        assertThat(store.renew(hold).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    private static void awaitWriterMarker(String hash) {
        awaitWriterMarker(hash, true);
    }

    /** Waits until {@code hash} has a writer marker ({@code present}) or none. */
    private static void awaitWriterMarker(String hash, boolean present) {
        StringRedisTemplate template = new StringRedisTemplate(redis.factory());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (template.opsForHash().keys(hash).stream()
                        .anyMatch(field -> field.toString().startsWith("w:"))
                != present) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        (present ? "no writer marked " : "a writer marker stayed in ") + hash + " for 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void flushScripts() {
        new StringRedisTemplate(redis.factory()).execute((RedisCallback<Void>) c -> {
            c.scriptingCommands().scriptFlush();
            return null;
        });
    }

    private static long redisMillis(StringRedisTemplate template) {
        return Objects.requireNonNull(
                template.execute((RedisCallback<Long>) c -> c.serverCommands().time()));
    }
}
