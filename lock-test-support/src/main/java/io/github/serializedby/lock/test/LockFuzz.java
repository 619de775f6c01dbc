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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many threads lock random keys in random modes. Exclusive holders increment a plain, unsynchronised
 * counter per key; every holder checks that nobody it excludes is inside at the same time.
 */
final class LockFuzz {

    /** What a run saw. */
    record Result(
            long acquisitions,
            int[] counters,
            int[] exclusiveAcquisitions,
            List<String> violations,
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
    private final AtomicIntegerArray exclusiveAcquisitions;
    private final AtomicLong sharedAcquisitions = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
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
        return new Result(total.get(), counters.clone(), exclusive, List.copyOf(violations), sharedAcquisitions.get());
    }

    private void work(int successes) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int done = 0;
        while (done < successes) {
            int key = random.nextInt(keys);
            LockMode mode = random.nextInt(5) == 0 ? LockMode.SHARED : LockMode.EXCLUSIVE;
            LockRequest request = new LockRequest(name, "key-" + key, mode);
            Optional<Lease> lease = acquire(request, random);
            if (lease.isEmpty()) {
                continue;
            }
            try {
                if (mode == LockMode.EXCLUSIVE) {
                    insideExclusive(key);
                } else {
                    insideShared(key);
                }
            } finally {
                lease.get().release();
            }
            done++;
            total.incrementAndGet();
        }
    }

    /**
     * Acquires the way callers do, at random: at once, blocking, asynchronously with a wait short
     * enough to time out often, or asynchronously and then cancelled unless already granted.
     */
    private Optional<Lease> acquire(LockRequest request, ThreadLocalRandom random) throws InterruptedException {
        switch (random.nextInt(8)) {
            case 0, 1:
                return provider.tryAcquire(request);
            case 2:
                return await(provider.acquire(request, Duration.ofMillis(random.nextInt(3))));
            case 3:
                CompletableFuture<Optional<Lease>> pending = provider.acquire(request, maxWait);
                if (pending.cancel(false)) {
                    return Optional.empty();
                }
                return await(pending);
            default:
                return provider.acquireBlocking(request, maxWait);
        }
    }

    private Optional<Lease> await(CompletableFuture<Optional<Lease>> pending) throws InterruptedException {
        try {
            return pending.get(maxWait.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            violation("asynchronous acquisition failed: " + e);
            return Optional.empty();
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
        sharedInside.incrementAndGet(key);
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
