package io.github.serializedby.lock.memory;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the generic provider contract does not cover: no retained entries, FIFO order, abandoned waits. */
@Timeout(60)
class InMemoryLockProviderTest {

    private static final Duration LONG_WAIT = Duration.ofMinutes(5);
    private static final long AWAIT_SECONDS = 10;

    private final InMemoryLockProvider provider = new InMemoryLockProvider();

    // --- no retained entries ---------------------------------------------------------------------------

    /**
     * A fence stores tokens beyond the provider's life (a database table): the provider of a restarted
     * application must draw larger tokens than its predecessor did, or the fence refuses every call.
     */
    @Test
    void aProviderCreatedLaterDrawsLargerTokensThanAnEarlierOneDid() {
        long createdAt = System.currentTimeMillis();
        InMemoryLockProvider before = new InMemoryLockProvider();
        long last = 0;
        for (int i = 0; i < 1_000; i++) {
            try (Lease lease =
                    before.tryAcquire(LockRequest.exclusive("tokens", "k" + i)).orElseThrow()) {
                last = lease.fencingToken();
            }
        }
        while (System.currentTimeMillis() <= createdAt) {
            Thread.onSpinWait(); // a restart takes longer than a millisecond
        }

        InMemoryLockProvider restarted = new InMemoryLockProvider();
        try (Lease lease =
                restarted.tryAcquire(LockRequest.exclusive("tokens", "k0")).orElseThrow()) {
            assertThat(lease.fencingToken()).isGreaterThan(last);
        }
    }

    @Test
    void retainsNoEntriesAfterAMillionDistinctKeys() {
        int batch = 1000;
        List<Lease> held = new ArrayList<>(batch);
        for (int first = 0; first < 1_000_000; first += batch) {
            for (int i = first; i < first + batch; i++) {
                LockRequest request =
                        i % 2 == 0 ? LockRequest.exclusive("bulk", "key-" + i) : LockRequest.shared("bulk", "key-" + i);
                held.add(provider.tryAcquire(request).orElseThrow());
            }
            assertThat(provider.activeKeyCount()).isEqualTo(batch);
            held.forEach(Lease::release);
            held.clear();
            assertThat(provider.activeKeyCount()).isZero();
        }
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void retainsNoEntriesAfterContendedUseOfFewKeys() throws Exception {
        int threads = 8;
        int iterations = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                        String key = "key-" + (i + offset) % 4;
                        LockRequest request = (i + offset) % 3 == 0
                                ? LockRequest.exclusive("few", key)
                                : LockRequest.shared("few", key);
                        Optional<Lease> lease = i % 5 == 0
                                ? provider.acquire(request, Duration.ofMillis(1))
                                        .get(AWAIT_SECONDS, SECONDS)
                                : provider.tryAcquire(request);
                        lease.ifPresent(Lease::release);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    done.countDown();
                }
            });
            worker.setDaemon(true);
            worker.start();
        }

        start.countDown();

        assertThat(done.await(60, SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        awaitIdle();
    }

    @Test
    void retainsNoEntriesAfterWaitersTimeOut() throws Exception {
        List<Lease> holders = holdKeys("timeout", 100);
        List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
        for (Lease holder : holders) {
            LockRequest exclusive = holder.request();
            LockRequest shared = LockRequest.shared(exclusive.name(), exclusive.key());
            waiters.add(provider.acquire(exclusive, Duration.ofMillis(20)));
            waiters.add(provider.acquire(shared, Duration.ofMillis(10)));
        }

        for (CompletableFuture<Optional<Lease>> waiter : waiters) {
            assertThat(waiter.get(AWAIT_SECONDS, SECONDS)).isEmpty();
        }
        assertThat(provider.activeKeyCount()).isEqualTo(holders.size());

        holders.forEach(Lease::release);
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void retainsNoEntriesAfterWaitersAreCancelled() {
        List<Lease> holders = holdKeys("cancel", 100);
        List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
        for (Lease holder : holders) {
            waiters.add(provider.acquire(holder.request(), LONG_WAIT));
            waiters.add(provider.acquire(holder.request(), LONG_WAIT));
        }

        waiters.forEach(waiter -> assertThat(waiter.cancel(false)).isTrue());
        assertThat(provider.activeKeyCount()).isEqualTo(holders.size());

        holders.forEach(Lease::release);
        assertThat(provider.activeKeyCount()).isZero();
    }

    // --- order and abandoned waits ---------------------------------------------------------------------

    @Test
    void waitersAreServedInTheOrderTheyQueued() throws Exception {
        LockRequest request = LockRequest.exclusive("fifo", "k");
        Lease holder = provider.tryAcquire(request).orElseThrow();
        Queue<Integer> grantOrder = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            int position = i;
            CompletableFuture<Optional<Lease>> waiter = provider.acquire(request, LONG_WAIT);
            waiter.thenAccept(granted -> granted.ifPresent(lease -> grantOrder.add(position)));
            waiters.add(waiter);
        }
        assertThat(waiters).noneMatch(CompletableFuture::isDone);

        holder.release();
        long previousToken = holder.fencingToken();
        for (int i = 0; i < waiters.size(); i++) {
            Lease lease = waiters.get(i).get(AWAIT_SECONDS, SECONDS).orElseThrow();
            assertThat(waiters.subList(i + 1, waiters.size()))
                    .as("nobody behind waiter %d is served while it holds the key", i + 1)
                    .noneMatch(CompletableFuture::isDone);
            assertThat(lease.isValid()).isTrue();
            assertThat(lease.fencingToken()).isGreaterThan(previousToken);
            previousToken = lease.fencingToken();
            lease.release();
        }

        assertThat(grantOrder)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void newSharedRequestDoesNotOvertakeWaitingExclusive() throws Exception {
        LockRequest shared = LockRequest.shared("writers", "k");
        LockRequest exclusive = LockRequest.exclusive("writers", "k");
        Lease reader = provider.tryAcquire(shared).orElseThrow();
        CompletableFuture<Optional<Lease>> writer = provider.acquire(exclusive, LONG_WAIT);

        assertThat(provider.tryAcquire(shared))
                .as("a newcomer queues behind the writer")
                .isEmpty();
        CompletableFuture<Optional<Lease>> laterReader = provider.acquire(shared, LONG_WAIT);

        reader.release();
        Lease writerLease = writer.get(AWAIT_SECONDS, SECONDS).orElseThrow();
        assertThat(laterReader).isNotDone();
        writerLease.release();
        laterReader.get(AWAIT_SECONDS, SECONDS).orElseThrow().release();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void cancelledWaiterNeverHoldsTheLock() throws Exception {
        LockRequest request = LockRequest.exclusive("cancel", "k");
        Lease holder = provider.tryAcquire(request).orElseThrow();
        CompletableFuture<Optional<Lease>> cancelled = provider.acquire(request, LONG_WAIT);
        CompletableFuture<Optional<Lease>> behind = provider.acquire(request, LONG_WAIT);

        assertThat(cancelled.cancel(false)).isTrue();
        holder.release();

        assertThat(cancelled).isCancelled();
        Lease next = behind.get(AWAIT_SECONDS, SECONDS).orElseThrow();
        next.release();
        assertKeyFree(request);
    }

    @Test
    void timedOutWaiterCompletesEmptyAndNeverHoldsTheLock() throws Exception {
        LockRequest request = LockRequest.exclusive("timeout", "k");
        Lease holder = provider.tryAcquire(request).orElseThrow();
        Duration timeout = Duration.ofMillis(20);
        long start = System.nanoTime();
        CompletableFuture<Optional<Lease>> timingOut = provider.acquire(request, timeout);
        CompletableFuture<Optional<Lease>> behind = provider.acquire(request, LONG_WAIT);

        assertThat(timingOut.get(AWAIT_SECONDS, SECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
        assertThat(behind).isNotDone();
        holder.release();

        Lease next = behind.get(AWAIT_SECONDS, SECONDS).orElseThrow();
        next.release();
        assertKeyFree(request);
    }

    @Test
    void timedOutExclusiveWaiterNoLongerHoldsBackSharedRequests() throws Exception {
        LockRequest shared = LockRequest.shared("abandon", "k");
        LockRequest exclusive = LockRequest.exclusive("abandon", "k");
        Lease reader = provider.tryAcquire(shared).orElseThrow();
        // The writer waits long enough to still be queued when the reader arrives, even on a loaded machine
        // (with 20 ms it had once timed out before, and the reader was admitted at once).
        CompletableFuture<Optional<Lease>> writer = provider.acquire(exclusive, Duration.ofSeconds(1));
        CompletableFuture<Optional<Lease>> readerBehindWriter = provider.acquire(shared, LONG_WAIT);
        assertThat(readerBehindWriter).isNotDone();

        assertThat(writer.get(AWAIT_SECONDS, SECONDS)).isEmpty();

        Lease admitted = readerBehindWriter.get(AWAIT_SECONDS, SECONDS).orElseThrow();
        assertThat(reader.isValid()).isTrue();
        Lease newcomer = provider.tryAcquire(shared).orElseThrow();
        List.of(reader, admitted, newcomer).forEach(Lease::release);
        assertKeyFree(exclusive);
    }

    @Test
    void cancelledExclusiveWaiterNoLongerHoldsBackSharedRequests() {
        LockRequest shared = LockRequest.shared("abandon", "k");
        LockRequest exclusive = LockRequest.exclusive("abandon", "k");
        Lease reader = provider.tryAcquire(shared).orElseThrow();
        CompletableFuture<Optional<Lease>> writer = provider.acquire(exclusive, LONG_WAIT);
        assertThat(provider.tryAcquire(shared)).as("queued behind the writer").isEmpty();

        assertThat(writer.cancel(false)).isTrue();

        Lease newcomer = provider.tryAcquire(shared).orElseThrow();
        List.of(reader, newcomer).forEach(Lease::release);
        assertKeyFree(exclusive);
    }

    @Test
    void interruptedAcquireBlockingLeavesNoLeaseBehind() throws Exception {
        LockRequest request = LockRequest.exclusive("interrupt", "k");
        Lease holder = provider.tryAcquire(request).orElseThrow();
        AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(provider.acquireBlocking(request, LONG_WAIT));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        waiter.setDaemon(true);
        waiter.start();

        awaitParked(waiter);
        waiter.interrupt();
        waiter.join(SECONDS.toMillis(AWAIT_SECONDS));

        assertThat(waiter.isAlive()).isFalse();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(holder.isValid()).isTrue();
        holder.release();
        assertThat(provider.activeKeyCount()).isZero();
        assertKeyFree(request);
    }

    @Test
    void interruptRacingWithGrantLeavesNoLeaseBehind() throws Exception {
        LockRequest request = LockRequest.exclusive("interrupt-race", "k");
        for (int round = 0; round < 300; round++) {
            Lease holder = provider.tryAcquire(request).orElseThrow();
            AtomicReference<@Nullable Object> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    Optional<Lease> lease = provider.acquireBlocking(request, LONG_WAIT);
                    outcome.set(lease);
                    lease.ifPresent(Lease::release);
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            waiter.setDaemon(true);
            waiter.start();
            awaitParked(waiter);

            if (round % 2 == 0) {
                waiter.interrupt();
                holder.release();
            } else {
                holder.release();
                waiter.interrupt();
            }
            waiter.join(SECONDS.toMillis(AWAIT_SECONDS));

            assertThat(waiter.isAlive()).isFalse();
            assertThat(outcome.get())
                    .as("either interrupted or granted, and then released by the waiter")
                    .isInstanceOfAny(InterruptedException.class, Optional.class);
            assertThat(provider.activeKeyCount()).as("round %d", round).isZero();
        }
        assertKeyFree(request);
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private List<Lease> holdKeys(String name, int count) {
        List<Lease> holders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            holders.add(
                    provider.tryAcquire(LockRequest.exclusive(name, "key-" + i)).orElseThrow());
        }
        return holders;
    }

    @Test
    void racingReleasesOfOneLeaseFreeTheKeyOnce() throws Exception {
        LockRequest request = LockRequest.exclusive("race", "k");
        ExecutorService releasers = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 2_000; i++) {
                Lease holder = provider.tryAcquire(request).orElseThrow();
                // every other round a waiter makes a state take the sole holder's place in the table
                CompletableFuture<Optional<Lease>> waiter =
                        i % 2 == 0 ? provider.acquire(request, LONG_WAIT) : CompletableFuture.completedFuture(null);
                // both releasers spin until both are running, so that their releases overlap
                AtomicInteger ready = new AtomicInteger();
                List<Future<?>> releases = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    releases.add(releasers.submit(() -> {
                        ready.incrementAndGet();
                        while (ready.get() < 2) {
                            Thread.yield();
                        }
                        holder.release();
                        return null;
                    }));
                }
                for (Future<?> release : releases) {
                    release.get(10, SECONDS);
                }
                Optional<Lease> handedOver = waiter.get(10, SECONDS);
                Lease next = handedOver != null
                        ? handedOver.orElseThrow()
                        : provider.tryAcquire(request).orElseThrow();

                holder.release();

                assertThat(provider.tryAcquire(request))
                        .as("a second holder in round %d", i)
                        .isEmpty();
                next.release();
                assertThat(provider.activeKeyCount()).isZero();
            }
        } finally {
            releasers.shutdownNow();
        }
    }

    private void assertKeyFree(LockRequest request) {
        Optional<Lease> lease = provider.tryAcquire(request);
        assertThat(lease).as("the key is free").isPresent();
        lease.get().release();
        assertThat(provider.activeKeyCount()).isZero();
    }

    /**
     * Waits until timed-out waits have been abandoned: their futures complete on the timer thread just
     * before the provider forgets them.
     */
    private void awaitIdle() {
        long deadline = System.nanoTime() + SECONDS.toNanos(AWAIT_SECONDS);
        while (provider.activeKeyCount() != 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(provider.activeKeyCount()).isZero();
    }

    // --- hand-overs from continuations -----------------------------------------------------------------

    @Test
    void aThrowingContinuationNeitherStopsLaterHandOversNorKeepsTheKey() throws Exception {
        Lease holder = provider.tryAcquire(LockRequest.exclusive("n", "k")).orElseThrow();
        List<CompletableFuture<Void>> continuations = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            continuations.add(
                    provider.acquire(LockRequest.exclusive("n", "k"), LONG_WAIT).thenAccept(granted -> {
                        granted.orElseThrow().release();
                        throw new IllegalStateException("the continuation failed after releasing");
                    }));
        }

        holder.release();

        for (CompletableFuture<Void> continuation : continuations) {
            assertThat(continuation).failsWithin(Duration.ofSeconds(AWAIT_SECONDS));
        }
        assertThat(provider.activeKeyCount()).isZero();
    }

    /**
     * Hand-overs made inside a continuation wait until it returns, but a parked thread is woken at once:
     * a continuation that releases and then waits for a blocked thread's turn does not wait for ever.
     */
    @Test
    void aBlockedWaiterIsWokenWhileTheContinuationThatReleasedStillRuns() throws Exception {
        Lease holder = provider.tryAcquire(LockRequest.exclusive("n", "k")).orElseThrow();
        CountDownLatch blockedGranted = new CountDownLatch(1);
        CompletableFuture<Boolean> sawTheBlockedWaiterRun = provider.acquire(LockRequest.exclusive("n", "k"), LONG_WAIT)
                .thenApply(granted -> {
                    granted.orElseThrow().release();
                    try {
                        return blockedGranted.await(AWAIT_SECONDS, SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
        Thread blocked = new Thread(() -> {
            try {
                provider.acquireBlocking(LockRequest.exclusive("n", "k"), LONG_WAIT)
                        .ifPresent(lease -> {
                            blockedGranted.countDown();
                            lease.release();
                        });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        blocked.start();
        awaitParked(blocked);

        holder.release();

        assertThat(sawTheBlockedWaiterRun.get(AWAIT_SECONDS * 2, SECONDS)).isTrue();
        blocked.join(SECONDS.toMillis(AWAIT_SECONDS));
        assertThat(provider.activeKeyCount()).isZero();
    }

    /** Spins (no sleep) until {@code thread} parks, so an interrupt reaches it while it waits. */
    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + SECONDS.toNanos(AWAIT_SECONDS);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime() - deadline)
                    .as("%s parks in time", thread)
                    .isNegative();
            Thread.onSpinWait();
        }
    }
}
