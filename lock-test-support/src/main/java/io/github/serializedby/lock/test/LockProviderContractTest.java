package io.github.serializedby.lock.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.support.WaitBounds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link LockProvider} must show. A provider's test extends this class and creates
 * the provider:
 *
 * <pre>{@code
 * class MyLockProviderContractTest extends LockProviderContractTest {
 *     protected LockProvider createProvider(WaitBounds bounds) {
 *         return new MyLockProvider(..., bounds);
 *     }
 * }
 * }</pre>
 *
 * Every test uses lock names of its own, so a provider backed by a shared server needs no clean-up
 * between tests. Tests synchronise with futures and latches, never with sleeps.
 *
 * <p>Over 300 lines: it is the whole contract in one place, one test per clause, so that a provider
 * author reads every promise in one file and no provider's test can forget to extend a second class.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class LockProviderContractTest extends WaitBoundsContractTest {

    /** Long enough that a wait never ends by its timeout when the test expects a hand-over. */
    protected static final Duration LONG_WAIT = Duration.ofSeconds(20);

    private final List<Lease> leases = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private LockProvider provider;
    private String name;

    /** Creates the provider under test, without wait bounds; called before each test. */
    protected final LockProvider createProvider() throws Exception {
        return createProvider(WaitBounds.unbounded());
    }

    /** How many acquisitions the fuzz test makes in all; at least 100,000 for a local provider. */
    protected int fuzzAcquisitions() {
        return 100_000;
    }

    /** How many threads the fuzz test runs. */
    protected int fuzzThreads() {
        return 8;
    }

    /** The wait the timeout tests expect to run out. */
    protected Duration shortWait() {
        return Duration.ofMillis(150);
    }

    /**
     * How many asynchronous waiters queue on one key in {@link
     * #manyAsynchronousWaitersAreServedInOrderWithoutOverflowingTheStack}; a slow distributed provider may
     * lower it, but not below the few hundred at which a recursive hand-over overflowed the stack.
     */
    protected int asyncWaiterCount() {
        return 10_000;
    }

    /**
     * Whether asynchronous waiters on one key are served in the order they arrived; a provider whose
     * waiters compete again after each release (Redis) overrides it with false, and the test then checks
     * only that each is served, one at a time.
     */
    protected boolean servesWaitersInArrivalOrder() {
        return true;
    }

    /** The provider under test. */
    protected final LockProvider provider() {
        return provider;
    }

    @BeforeEach
    void setUpProvider(TestInfo test) throws Exception {
        provider = createProvider();
        name = getClass().getSimpleName() + "."
                + test.getTestMethod().map(m -> m.getName()).orElse("test") + "." + UUID.randomUUID();
    }

    @AfterEach
    void tearDownProvider() throws Exception {
        leases.forEach(Lease::release);
        threads.shutdownNow();
        closeProvider(provider);
    }

    @Test
    void secondAcquirerIsRejectedWhileTheKeyIsHeld() {
        Lease first = exclusive("k");

        assertThat(provider.tryAcquire(LockRequest.exclusive(name, "k"))).isEmpty();
        assertThat(provider.tryAcquire(LockRequest.shared(name, "k"))).isEmpty();
        assertThat(first.isValid()).isTrue();
    }

    @Test
    void releasedKeyCanBeAcquiredAgain() {
        Lease first = exclusive("k");
        first.release();

        assertThat(first.isValid()).isFalse();
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "k")))).isPresent();
    }

    @Test
    void waiterGetsTheLockWhenTheHolderReleases() throws Exception {
        Lease holder = exclusive("k");
        CompletableFuture<Optional<Lease>> waiter = provider.acquire(LockRequest.exclusive(name, "k"), LONG_WAIT);
        assertThat(waiter).isNotDone();

        holder.release();

        Optional<Lease> granted = track(waiter.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(granted).isPresent();
        assertThat(granted.get().fencingToken()).isGreaterThan(holder.fencingToken());
        assertThat(granted.get().isValid()).isTrue();
    }

    @Test
    void waitEndsEmptyAtTheDeadline() throws Exception {
        exclusive("k");

        long start = System.nanoTime();
        Optional<Lease> result = provider.acquireBlocking(LockRequest.exclusive(name, "k"), shortWait());
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result).isEmpty();
        assertThat(waited).isGreaterThanOrEqualTo(shortWait().minusMillis(5));
        assertThat(waited).isLessThan(LONG_WAIT);
    }

    @Test
    void releaseIsIdempotentAndAStaleReleaseDoesNotFreeTheNextHolder() {
        Lease first = exclusive("k");
        first.release();
        first.release();
        Lease second = exclusive("k");

        first.release();

        assertThat(second.isValid()).isTrue();
        assertThat(provider.tryAcquire(LockRequest.exclusive(name, "k"))).isEmpty();
    }

    @Test
    void releaseWorksFromAnotherThread() throws Exception {
        Lease lease = exclusive("k");

        threads.submit(lease::release).get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(lease.isValid()).isFalse();
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "k")))).isPresent();
    }

    @Test
    void differentKeysAndDifferentNamesAreIndependent() {
        exclusive("k");

        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "other"))))
                .isPresent();
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name + ".other", "k"))))
                .isPresent();
    }

    @Test
    void fencingTokensStrictlyIncreaseForEachNewAcquisition() throws Exception {
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 50; i++) {
            Lease lease = i % 2 == 0
                    ? exclusive("k")
                    : provider.acquireBlocking(LockRequest.shared(name, "k"), LONG_WAIT)
                            .orElseThrow();
            assertThat(lease.fencingToken()).isGreaterThan(previous);
            previous = lease.fencingToken();
            lease.release();
        }
    }

    @Test
    void sharedHoldersCoexistAndExcludeAnExclusiveHolder() {
        Lease a = shared("k");
        Lease b = shared("k");
        Lease c = shared("k");

        assertThat(provider.tryAcquire(LockRequest.exclusive(name, "k"))).isEmpty();
        a.release();
        b.release();
        assertThat(provider.tryAcquire(LockRequest.exclusive(name, "k"))).isEmpty();
        c.release();
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "k")))).isPresent();
    }

    @Test
    void waitingWriterIsServedBeforeLaterReaders() throws Exception {
        Lease reader = shared("k");
        CompletableFuture<Optional<Lease>> writer = provider.acquire(LockRequest.exclusive(name, "k"), LONG_WAIT);
        assertThat(writer).isNotDone();

        assertThat(provider.tryAcquire(LockRequest.shared(name, "k")))
                .as("a new reader must not overtake a waiting writer")
                .isEmpty();
        CompletableFuture<Optional<Lease>> laterReader = provider.acquire(LockRequest.shared(name, "k"), LONG_WAIT);

        reader.release();
        Lease writerLease =
                track(writer.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS)).orElseThrow();
        assertThat(laterReader).isNotDone();

        writerLease.release();
        Lease laterReaderLease =
                track(laterReader.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS)).orElseThrow();
        assertThat(laterReaderLease.fencingToken()).isGreaterThan(writerLease.fencingToken());
    }

    @Test
    void cancelledWaiterNeverHoldsTheLock() throws Exception {
        Lease holder = exclusive("k");
        CompletableFuture<Optional<Lease>> waiter = provider.acquire(LockRequest.exclusive(name, "k"), LONG_WAIT);

        assertThat(waiter.cancel(false)).isTrue();
        holder.release();

        assertThat(track(provider.acquireBlocking(LockRequest.exclusive(name, "k"), LONG_WAIT)))
                .isPresent();
    }

    @Test
    void interruptedWaiterLeavesNoLockBehind() throws Exception {
        Lease holder = exclusive("k");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            waiting.countDown();
            try {
                Optional<Lease> lease = provider.acquireBlocking(LockRequest.exclusive(name, "k"), LONG_WAIT);
                lease.ifPresent(Lease::release);
                outcome.set(new AssertionError("acquired instead of being interrupted: " + lease));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        waiter.start();
        waiting.await();
        waiter.interrupt();
        waiter.join(LONG_WAIT.toMillis());

        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        holder.release();
        assertThat(track(provider.acquireBlocking(LockRequest.exclusive(name, "k"), LONG_WAIT)))
                .isPresent();
    }

    /**
     * Each waiter's continuation releases its lease, so a provider that completes the next waiter inside
     * release() would nest one call per waiter; the key must still reach every waiter, in order, and be
     * free at the end.
     */
    @Test
    void manyAsynchronousWaitersAreServedInOrderWithoutOverflowingTheStack() throws Exception {
        int count = asyncWaiterCount();
        Duration wait = LONG_WAIT.multipliedBy(4);
        Lease holder = exclusive("k");
        List<Integer> grantOrder = Collections.synchronizedList(new ArrayList<>(count));
        AtomicBoolean inside = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        List<CompletableFuture<Void>> served = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int position = i;
            served.add(provider.acquire(LockRequest.exclusive(name, "k"), wait).thenAccept(granted -> {
                Lease lease = granted.orElseThrow(() -> new AssertionError("waiter " + position + " not granted"));
                if (!inside.compareAndSet(false, true)) {
                    overlaps.incrementAndGet();
                }
                grantOrder.add(position);
                inside.set(false);
                lease.release();
            }));
        }

        holder.release();
        try {
            CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).get(wait.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("only " + grantOrder.size() + " of " + count + " waiters were served", e);
        }

        assertThat(overlaps).as("waiters holding the key together").hasValue(0);
        if (servesWaitersInArrivalOrder()) {
            assertThat(grantOrder)
                    .as("grant order")
                    .isEqualTo(IntStream.range(0, count).boxed().toList());
        } else {
            assertThat(grantOrder)
                    .as("waiters served")
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, count).boxed().toList());
        }
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "k"))))
                .as("the key is free after the last waiter released it")
                .isPresent();
    }

    @Test
    void severalKeysInOppositeOrdersNeverDeadlock() throws Exception {
        LockExecutor executor = new LockExecutor(provider);
        int workers = 4;
        int iterations = Math.max(50, fuzzAcquisitions() / 200);
        int[] counter = new int[1];
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            LockSpec spec = w % 2 == 0
                    ? LockSpec.waiting(name, LONG_WAIT, "A", "B")
                    : LockSpec.waiting(name, LONG_WAIT, "B", "A");
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < iterations; i++) {
                    executor.run(spec, () -> counter[0]++);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> worker : done) {
            worker.get(LONG_WAIT.toSeconds() * 3, TimeUnit.SECONDS);
        }

        assertThat(counter[0]).isEqualTo(workers * iterations);
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "A")))).isPresent();
        assertThat(track(provider.tryAcquire(LockRequest.exclusive(name, "B")))).isPresent();
    }

    @Test
    void fuzzNeverLetsTwoExclusiveHoldersInAndLosesNoUpdate() throws Exception {
        LockFuzz fuzz = new LockFuzz(provider, name, 8, fuzzThreads(), fuzzAcquisitions(), LONG_WAIT);

        LockFuzz.Result result = fuzz.run(threads);

        assertThat(result.acquisitions()).isGreaterThanOrEqualTo(fuzzAcquisitions());
        assertThat(result.violations()).as("overlapping holders").isEmpty();
        for (int key = 0; key < result.counters().length; key++) {
            assertThat(result.counters()[key])
                    .as("unsynchronised counter of key %d", key)
                    .isEqualTo(result.exclusiveAcquisitions()[key]);
        }
        assertThat(result.sharedAcquisitionsTotal())
                .as("shared acquisitions exercised")
                .isPositive();
        for (int key = 0; key < result.counters().length; key++) {
            assertThat(freeWithin(LockRequest.exclusive(name, "key-" + key), LONG_WAIT))
                    .as("key %d is free again: no lease was leaked", key)
                    .isTrue();
        }
    }

    /**
     * Whether {@code request} can be taken within {@code limit}, waiting for it. A caller that cancels its
     * wait while its try is under way may be granted anyway; the provider then gives that lease back in the
     * background, a moment after the caller has gone. A leaked lease never comes free.
     */
    private boolean freeWithin(LockRequest request, Duration limit) throws InterruptedException {
        return track(provider.acquireBlocking(request, limit)).isPresent();
    }

    private Lease exclusive(String key) {
        return track(provider.tryAcquire(LockRequest.exclusive(name, key)))
                .orElseThrow(() -> new AssertionError("expected to acquire " + key));
    }

    private Lease shared(String key) {
        return track(provider.tryAcquire(new LockRequest(name, key, LockMode.SHARED)))
                .orElseThrow(() -> new AssertionError("expected to acquire shared " + key));
    }

    private Optional<Lease> track(Optional<Lease> lease) {
        lease.ifPresent(leases::add);
        return lease;
    }
}
