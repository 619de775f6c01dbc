package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The in-memory provider without Spring: uncontended lock and release against a {@code
 * ConcurrentHashMap<String, ReentrantLock>}; one hot key shared by two threads (as many as cores)
 * against a fair {@code ReentrantLock}; and two threads on many keys.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProviderBenchmark {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WORK = 20;

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ReentrantLock fairLock = new ReentrantLock(true);
    private final LockRequest hotRequest = LockRequest.exclusive("bench", "hot");
    private final LockRequest[] manyKeys = new LockRequest[1024];
    private final String[] manyKeyNames = new String[1024];

    public ProviderBenchmark() {
        for (int i = 0; i < manyKeys.length; i++) {
            manyKeyNames[i] = "key-" + i;
            manyKeys[i] = LockRequest.exclusive("bench", manyKeyNames[i]);
        }
    }

    /** Per-thread ring of keys for the uncontended runs. */
    @State(Scope.Thread)
    public static class ThreadKeys {
        final Keys keys = new Keys(1024);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long uncontendedInMemoryProvider(ThreadKeys keys) {
        Lease lease = provider.tryAcquire(LockRequest.exclusive("bench", keys.keys.next()))
                .orElseThrow();
        long token = lease.fencingToken();
        lease.release();
        return token;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean uncontendedMapOfReentrantLocks(ThreadKeys keys) {
        ReentrantLock lock = locks.computeIfAbsent(keys.keys.next(), k -> new ReentrantLock());
        lock.lock();
        boolean held = lock.isHeldByCurrentThread();
        lock.unlock();
        return held;
    }

    @Benchmark
    @Group("hotKeyInMemoryProvider")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    public void hotKeyInMemoryProvider() throws InterruptedException {
        Lease lease = provider.acquireBlocking(hotRequest, WAIT).orElseThrow();
        Blackhole.consumeCPU(WORK);
        lease.release();
    }

    @Benchmark
    @Group("hotKeyFairReentrantLock")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    public void hotKeyFairReentrantLock() {
        fairLock.lock();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            fairLock.unlock();
        }
    }

    @Benchmark
    @Group("manyKeysInMemoryProvider")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    public void manyKeysInMemoryProvider() throws InterruptedException {
        LockRequest request = manyKeys[ThreadLocalRandom.current().nextInt(manyKeys.length)];
        Lease lease = provider.acquireBlocking(request, WAIT).orElseThrow();
        Blackhole.consumeCPU(WORK);
        lease.release();
    }

    @Benchmark
    @Group("manyKeysMapOfReentrantLocks")
    @GroupThreads(2)
    @BenchmarkMode(Mode.Throughput)
    public void manyKeysMapOfReentrantLocks() {
        String key = manyKeyNames[ThreadLocalRandom.current().nextInt(manyKeyNames.length)];
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Blackhole.consumeCPU(WORK);
        } finally {
            lock.unlock();
        }
    }
}
