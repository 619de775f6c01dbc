package io.github.serializedby.lock.test;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many threads lock random keys in random modes. Exclusive holders increment a plain, unsynchronised
 * counter per key; every holder checks that nobody it excludes is inside at the same time.
 *
 * <p>Whether shared holders ever coexist is judged over their whole hold, from grant until {@code
 * release()} returns, not only over the few instructions inside: with a remote store a release takes a
 * round trip, and readers that the provider lets in together are seen together.
 */
final class LockFuzz {

    /** What a run saw. */
    record Result(
            long acquisitions,
            int[] counters,
            int[] exclusiveAcquisitions,
            List<String> violations,
            boolean sharedOverlapSeen,
            long sharedAcquisitionsTotal) {}

    private final LockProvider provider;
    private final String name;
    private final int keys;
    private final int threadCount;
    private final int acquisitions;
    private final Duration maxWait;

    private final int[] counters;
    private final AtomicIntegerArray exclusiveInside;
    private final AtomicIntegerArray sharedInside;
    private final AtomicIntegerArray sharedHeld;
    private final AtomicIntegerArray exclusiveAcquisitions;
    private final AtomicLong sharedAcquisitions = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicBoolean sharedOverlap = new AtomicBoolean();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();

    LockFuzz(LockProvider provider, String name, int keys, int threadCount, int acquisitions, Duration maxWait) {
        this.provider = provider;
        this.name = name;
        this.keys = keys;
        this.threadCount = threadCount;
        this.acquisitions = acquisitions;
        this.maxWait = maxWait;
        this.counters = new int[keys];
        this.exclusiveInside = new AtomicIntegerArray(keys);
        this.sharedInside = new AtomicIntegerArray(keys);
        this.sharedHeld = new AtomicIntegerArray(keys);
        this.exclusiveAcquisitions = new AtomicIntegerArray(keys);
    }

    Result run(ExecutorService threads) throws Exception {
        int perThread = (acquisitions + threadCount - 1) / threadCount;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            workers.add(threads.submit(() -> {
                start.await();
                work(perThread);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
            worker.get(10, TimeUnit.MINUTES);
        }
        int[] exclusive = new int[keys];
        for (int key = 0; key < keys; key++) {
            exclusive[key] = exclusiveAcquisitions.get(key);
        }
        return new Result(
                total.get(),
                counters.clone(),
                exclusive,
                List.copyOf(violations),
                sharedOverlap.get(),
                sharedAcquisitions.get());
    }

    private void work(int successes) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int done = 0;
        while (done < successes) {
            int key = random.nextInt(keys);
            LockMode mode = random.nextInt(5) == 0 ? LockMode.SHARED : LockMode.EXCLUSIVE;
            LockRequest request = new LockRequest(name, "key-" + key, mode);
            Optional<Lease> lease =
                    random.nextInt(4) == 0 ? provider.tryAcquire(request) : provider.acquireBlocking(request, maxWait);
            if (lease.isEmpty()) {
                continue;
            }
            if (mode == LockMode.EXCLUSIVE) {
                try {
                    insideExclusive(key);
                } finally {
                    lease.get().release();
                }
            } else {
                sharedHeld.incrementAndGet(key);
                try {
                    insideShared(key);
                } finally {
                    lease.get().release();
                    sharedHeld.decrementAndGet(key);
                }
            }
            done++;
            total.incrementAndGet();
        }
    }

    private void insideExclusive(int key) {
        int exclusive = exclusiveInside.incrementAndGet(key);
        int shared = sharedInside.get(key);
        if (exclusive != 1 || shared != 0) {
            violation("key " + key + ": exclusive holder found " + exclusive + " exclusive, " + shared + " shared");
        }
        int before = counters[key];
        Thread.onSpinWait();
        counters[key] = before + 1;
        exclusiveAcquisitions.incrementAndGet(key);
        exclusiveInside.decrementAndGet(key);
    }

    private void insideShared(int key) {
        int shared = sharedInside.incrementAndGet(key);
        if (shared > 1 || sharedHeld.get(key) > 1) {
            sharedOverlap.set(true);
        }
        int exclusive = exclusiveInside.get(key);
        if (exclusive != 0) {
            violation("key " + key + ": shared holder found " + exclusive + " exclusive");
        }
        sharedAcquisitions.incrementAndGet();
        sharedInside.decrementAndGet(key);
    }

    private void violation(String what) {
        if (violations.size() < 100) {
            violations.add(what);
        }
    }
}
