package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two providers with connection factories of their own, as two instances of an application would have;
 * each subclass names the Redis deployment.
 */
@Timeout(120)
abstract class AbstractTwoInstancesTest {

    private static final int KEYS = 4;
    private static final int THREADS_PER_INSTANCE = 4;
    private static final int ACQUISITIONS = 4_000;

    private final List<RedisTopology.Connected> connections = new ArrayList<>();
    private final List<RedisLockProvider> providers = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE);
    private final String name = "two-instances." + UUID.randomUUID();

    /** Where the two instances keep their locks. */
    protected abstract RedisTopology topology();

    @BeforeEach
    void startTwoInstances() {
        topology().requireReachable();
        for (int i = 0; i < 2; i++) {
            RedisTopology.Connected connection = topology().connect();
            connections.add(connection);
            providers.add(new RedisLockProvider(connection.factory()));
        }
    }

    @AfterEach
    void stopInstances() {
        threads.shutdownNow();
        providers.forEach(RedisLockProvider::close);
        connections.forEach(RedisTopology.Connected::close);
    }

    @Test
    void neverBothHoldAKeyAndLoseNoUpdate() throws Exception {
        int[] counters = new int[KEYS];
        AtomicIntegerArray inside = new AtomicIntegerArray(KEYS);
        AtomicIntegerArray acquisitions = new AtomicIntegerArray(KEYS);
        AtomicLong overlaps = new AtomicLong();
        AtomicLong[] lastToken = new AtomicLong[KEYS];
        AtomicLong tokenRegressions = new AtomicLong();
        for (int key = 0; key < KEYS; key++) {
            lastToken[key] = new AtomicLong();
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        int perThread = ACQUISITIONS / (2 * THREADS_PER_INSTANCE);
        for (int t = 0; t < 2 * THREADS_PER_INSTANCE; t++) {
            LockProvider provider = providers.get(t % 2);
            workers.add(threads.submit(() -> {
                start.await();
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int done = 0;
                while (done < perThread) {
                    int key = random.nextInt(KEYS);
                    LockRequest request = LockRequest.exclusive(name, "key-" + key);
                    Optional<Lease> lease = random.nextBoolean()
                            ? provider.tryAcquire(request)
                            : provider.acquireBlocking(request, Duration.ofSeconds(20));
                    if (lease.isEmpty()) {
                        continue;
                    }
                    try {
                        if (inside.incrementAndGet(key) != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (lastToken[key].getAndSet(lease.get().fencingToken())
                                >= lease.get().fencingToken()) {
                            tokenRegressions.incrementAndGet();
                        }
                        int before = counters[key];
                        Thread.onSpinWait();
                        counters[key] = before + 1;
                        acquisitions.incrementAndGet(key);
                        inside.decrementAndGet(key);
                    } finally {
                        lease.get().release();
                    }
                    done++;
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(100, TimeUnit.SECONDS);
        }

        assertThat(overlaps.get()).as("times two holders were inside together").isZero();
        assertThat(tokenRegressions.get())
                .as("fencing tokens that did not grow")
                .isZero();
        int total = 0;
        for (int key = 0; key < KEYS; key++) {
            assertThat(counters[key])
                    .as("unsynchronised counter of key %d", key)
                    .isEqualTo(acquisitions.get(key));
            total += counters[key];
        }
        assertThat(total).isEqualTo(perThread * 2 * THREADS_PER_INSTANCE);
    }

    @Test
    void aWaiterOnOneInstanceIsWokenByAReleaseOnTheOther() throws Exception {
        LockRequest request = LockRequest.exclusive(name, "hand-over");
        Lease held = providers.get(0).tryAcquire(request).orElseThrow();
        var waiting = providers.get(1).acquire(request, Duration.ofSeconds(20));
        assertThat(waiting).isNotDone();

        held.release();

        Lease granted = waiting.get(20, TimeUnit.SECONDS).orElseThrow();
        assertThat(granted.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(providers.get(0).tryAcquire(request)).isEmpty();
        granted.release();
    }
}
