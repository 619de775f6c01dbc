package io.github.serializedby.lock;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.ListeningLockProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The executor against the real in-memory provider: release, policies, re-entry, several keys, and what a
 * listener on its provider hears of its calls.
 */
@Timeout(60)
class LockExecutorTest {

    private static final String NAME = "orders";
    private static final Duration LONG_WAIT = Duration.ofMinutes(5);
    private static final long AWAIT_SECONDS = 10;

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final RecordingListener listener = new RecordingListener();
    private final LockExecutor executor = listened(provider, listener);

    // --- release ---------------------------------------------------------------------------------------

    @Test
    void aHoldKeepsItsKeysUntilClosedAndCallsOnItsThreadReenter() {
        LockExecutor.ThreadHold hold = executor.hold(LockSpec.failFast(NAME, "k1"));

        assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "k1"))).isEmpty();
        assertThat(executor.execute(LockSpec.failFast(NAME, "k1"), () -> "re-entered"))
                .isEqualTo("re-entered");
        assertThat(executor.isHeldByCurrentThread(NAME, "k1")).isTrue();
        hold.close();
        hold.close();

        assertThat(executor.isHeldByCurrentThread(NAME, "k1")).isFalse();
        assertKeyFree("k1");
    }

    @Test
    void aHoldClosedOnAnotherThreadIsRefusedAndStillHoldsItsKeys() throws Exception {
        LockExecutor.ThreadHold hold = executor.hold(LockSpec.failFast(NAME, "k1"));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> closing = other.submit(hold::close);
            assertThatThrownBy(closing::get).hasCauseInstanceOf(IllegalStateException.class);
        } finally {
            other.shutdownNow();
        }

        assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "k1"))).isEmpty();
        hold.close();
        assertKeyFree("k1");
    }

    @Test
    void aRefusedHoldHoldsNothing() {
        LockExecutor.ThreadHold first = executor.hold(LockSpec.failFast(NAME, "k2"));
        CompletableFuture<Throwable> refused = CompletableFuture.supplyAsync(() -> {
            try {
                executor.hold(LockSpec.failFast(NAME, "k1", "k2")).close();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });

        assertThat(refused.join()).isInstanceOf(LockNotAcquiredException.class);
        first.close();
        assertKeyFree("k1");
        assertKeyFree("k2");
    }

    @Test
    void releasesLockWhenActionReturns() {
        String result = executor.execute(LockSpec.failFast(NAME, "k1"), () -> {
            assertThat(executor.isHeldByCurrentThread(NAME, "k1")).isTrue();
            assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "k1"))).isEmpty();
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertKeyFree("k1");
    }

    @Test
    void releasesLockWhenActionThrowsCheckedException() {
        IOException failure = new IOException("disk full");

        assertThatThrownBy(() -> executor.execute(LockSpec.failFast(NAME, "k1"), () -> {
                    throw failure;
                }))
                .isSameAs(failure);

        assertKeyFree("k1");
    }

    @Test
    void releasesLockWhenActionThrowsRuntimeException() {
        IllegalArgumentException failure = new IllegalArgumentException("bad input");

        assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "k1"), () -> {
                    throw failure;
                }))
                .isSameAs(failure);

        assertKeyFree("k1");
    }

    // --- policies --------------------------------------------------------------------------------------

    @Test
    void failFastWhileHeldThrowsWithLockName() {
        AtomicBoolean ran = new AtomicBoolean();
        try (Lease holder = hold("customer-4711")) {
            assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "customer-4711"), () -> ran.set(true)))
                    .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                        assertThat(e.lockName()).isEqualTo(NAME);
                        assertThat(e.policy()).isEqualTo(LockPolicy.FAIL_FAST);
                        assertThat(e.timedOut()).isFalse();
                        assertThat(e.getMessage()).contains(NAME).doesNotContain("customer-4711");
                    });
            assertThat(holder.isValid()).isTrue();
        }
        assertThat(ran).isFalse();
        assertThat(listener.events).containsExactly("acquiring customer-4711 FAIL_FAST", "rejected customer-4711");
    }

    @Test
    void waitTimesOutWhileHeldAndDoesNotRunAction() {
        Duration timeout = Duration.ofMillis(100);
        AtomicBoolean ran = new AtomicBoolean();
        long start = System.nanoTime();
        try (Lease holder = hold("k1")) {
            assertThatThrownBy(() -> executor.run(LockSpec.waiting(NAME, timeout, "k1"), () -> ran.set(true)))
                    .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                        assertThat(e.lockName()).isEqualTo(NAME);
                        assertThat(e.policy()).isEqualTo(LockPolicy.WAIT);
                        assertThat(e.timedOut()).isTrue();
                        assertThat(e.waited()).isGreaterThanOrEqualTo(timeout);
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
            assertThat(holder.isValid()).isTrue();
        }
        assertThat(ran).isFalse();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void waitSucceedsWhenHolderReleasesFromAnotherThread() throws Exception {
        QueueSignallingProvider signalling = new QueueSignallingProvider(provider);
        LockExecutor waitingExecutor = listened(signalling, listener);
        CountDownLatch holding = new CountDownLatch(1);
        ExecutorService holderThread = Executors.newSingleThreadExecutor();
        try {
            Future<String> holder =
                    holderThread.submit(() -> waitingExecutor.execute(LockSpec.failFast(NAME, "k1"), () -> {
                        holding.countDown();
                        // Let go only once the other caller is queued on the key.
                        return signalling.awaitQueued() ? "released after waiter queued" : "gave up waiting";
                    }));
            assertThat(holding.await(AWAIT_SECONDS, SECONDS)).isTrue();

            AtomicInteger runs = new AtomicInteger();
            String result = waitingExecutor.execute(LockSpec.waiting(NAME, LONG_WAIT, "k1"), () -> {
                runs.incrementAndGet();
                assertThat(waitingExecutor.isHeldByCurrentThread(NAME, "k1")).isTrue();
                return "waiter ran";
            });

            assertThat(result).isEqualTo("waiter ran");
            assertThat(runs).hasValue(1);
            assertThat(holder.get(AWAIT_SECONDS, SECONDS)).isEqualTo("released after waiter queued");
        } finally {
            holderThread.shutdownNow();
        }
        assertThat(listener.events).contains("acquiring k1 WAIT").doesNotContain("timedOut k1");
        assertKeyFree("k1");
    }

    // --- re-entry --------------------------------------------------------------------------------------

    @Test
    void reentryOnSameThreadReusesOuterLeaseUntilOuterReturns() {
        String result = executor.execute(LockSpec.failFast(NAME, "k1"), () -> {
            String inner = executor.execute(LockSpec.waiting(NAME, Duration.ofMillis(200), "k1"), () -> {
                String innermost = executor.execute(LockSpec.failFast(NAME, "k1"), () -> "innermost");
                return innermost + "+inner";
            });
            assertThat(executor.isHeldByCurrentThread(NAME, "k1")).isTrue();
            assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "k1"))).isEmpty();
            return inner + "+outer";
        });

        assertThat(result).isEqualTo("innermost+inner+outer");
        assertThat(listener.events)
                .as("one acquisition and one release for the whole chain")
                .containsExactly("acquiring k1 FAIL_FAST", "acquired k1", "released k1");
        assertKeyFree("k1");
    }

    @Test
    void reentryDoesNotExtendToOtherThreads() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Throwable fromOtherThread = executor.execute(
                    LockSpec.failFast(NAME, "k1"),
                    () -> other.submit(() -> {
                                try {
                                    executor.run(LockSpec.failFast(NAME, "k1"), () -> {});
                                    return null;
                                } catch (LockNotAcquiredException e) {
                                    return e;
                                }
                            })
                            .get(AWAIT_SECONDS, SECONDS));

            assertThat(fromOtherThread).isInstanceOf(LockNotAcquiredException.class);
        } finally {
            other.shutdownNow();
        }
        assertKeyFree("k1");
    }

    @Test
    void exclusiveOuterCoversSharedInner() {
        LockSpec exclusive = LockSpec.failFast(NAME, "k1");

        String result = executor.execute(exclusive, () -> {
            String inner = executor.execute(exclusive.withMode(LockMode.SHARED), () -> {
                assertThat(provider.tryAcquire(LockRequest.shared(NAME, "k1")))
                        .as("still held exclusively")
                        .isEmpty();
                return "shared inside exclusive";
            });
            assertThat(provider.tryAcquire(LockRequest.shared(NAME, "k1"))).isEmpty();
            return inner;
        });

        assertThat(result).isEqualTo("shared inside exclusive");
        assertKeyFree("k1");
    }

    @Test
    void sharedOuterCoversSharedInner() {
        LockSpec shared = LockSpec.failFast(NAME, "k1").withMode(LockMode.SHARED);

        String result = executor.execute(shared, () -> executor.execute(shared, () -> "shared inside shared"));

        assertThat(result).isEqualTo("shared inside shared");
        assertThat(listener.events).containsExactly("acquiring k1 FAIL_FAST", "acquired k1", "released k1");
        assertKeyFree("k1");
    }

    @Test
    void sharedOuterRefusesExclusiveInnerWithUpgradeException() {
        LockSpec shared = LockSpec.failFast(NAME, "k1").withMode(LockMode.SHARED);
        AtomicBoolean innerRan = new AtomicBoolean();

        String result = executor.execute(shared, () -> {
            assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "k1"), () -> innerRan.set(true)))
                    .isInstanceOfSatisfying(
                            LockUpgradeException.class,
                            e -> assertThat(e.lockName()).isEqualTo(NAME));
            assertThat(executor.isHeldByCurrentThread(NAME, "k1")).isTrue();
            assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "k1"))).isEmpty();
            return "outer finished";
        });

        assertThat(result).isEqualTo("outer finished");
        assertThat(innerRan).isFalse();
        assertKeyFree("k1");
    }

    @Test
    void aRefusedUpgradeIsFoundBeforeAnyKeyIsTaken() {
        AtomicBoolean innerRan = new AtomicBoolean();

        executor.run(LockSpec.failFast(NAME, "b").withMode(LockMode.SHARED), () -> {
            try (Lease other = hold("a")) {
                assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "a", "b"), () -> innerRan.set(true)))
                        .as("refused for the upgrade, not for the key another holds")
                        .isInstanceOf(LockUpgradeException.class);
                assertThat(other.isValid()).isTrue();
            }
            assertThat(executor.isHeldByCurrentThread(NAME, "a")).isFalse();
            assertThat(executor.isHeldByCurrentThread(NAME, "b")).isTrue();
            assertKeyFree("a");
        });

        assertThat(innerRan).isFalse();
        assertThat(listener.events)
                .as("the inner call asked the provider for nothing")
                .containsExactly("acquiring b FAIL_FAST", "acquired b", "released b");
        assertKeyFree("b");
    }

    @Test
    void failedInnerCallKeepsTheOuterLease() {
        executor.run(LockSpec.failFast(NAME, "a"), () -> {
            try (Lease other = hold("b")) {
                assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "a", "b"), () -> {}))
                        .isInstanceOf(LockNotAcquiredException.class);
                assertThat(other.isValid()).isTrue();
            }
            assertThat(executor.isHeldByCurrentThread(NAME, "a")).isTrue();
            assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, "a"))).isEmpty();
        });

        assertKeyFree("a");
    }

    // --- several keys ----------------------------------------------------------------------------------

    @Test
    void severalKeysAreAcquiredInSortedOrderAndDuplicatesCollapse() {
        executor.run(LockSpec.failFast(NAME, "c", "a", "b", "a", "c"), () -> {
            for (String key : List.of("a", "b", "c")) {
                assertThat(executor.isHeldByCurrentThread(NAME, key)).isTrue();
                assertThat(provider.tryAcquire(LockRequest.exclusive(NAME, key)))
                        .isEmpty();
            }
        });

        assertThat(listener.events.subList(0, 6))
                .containsExactly(
                        "acquiring a FAIL_FAST",
                        "acquired a",
                        "acquiring b FAIL_FAST",
                        "acquired b",
                        "acquiring c FAIL_FAST",
                        "acquired c");
        assertThat(listener.events.subList(6, listener.events.size()))
                .containsExactlyInAnyOrder("released a", "released b", "released c");
        assertKeyFree("a");
        assertKeyFree("b");
        assertKeyFree("c");
    }

    @Test
    void aCallWithMoreKeysThanItsExecutorAllowsIsRefusedBeforeAnyKeyIsTaken() {
        LockExecutor limited = new LockExecutor(new ListeningLockProvider(provider, List.of(listener)), 3);
        LockSpec fourKeys = LockSpec.failFast(NAME, "d", "c", "b", "a");
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> limited.run(fourKeys, () -> ran.set(true)))
                .isInstanceOfSatisfying(InvalidLockKeyException.class, e -> {
                    assertThat(e.lockName()).isEqualTo(NAME);
                    assertThat(e.reason()).isEqualTo("4 keys in one call, more than the 3 allowed");
                });
        assertThatThrownBy(() -> limited.hold(fourKeys)).isInstanceOf(InvalidLockKeyException.class);
        assertThatThrownBy(() -> limited.executeAsync(fourKeys, () -> {
                    ran.set(true);
                    return CompletableFuture.completedFuture("ran");
                }))
                .isInstanceOf(InvalidLockKeyException.class);
        assertThat(limited.acquireAsync(fourKeys))
                .failsWithin(Duration.ofSeconds(AWAIT_SECONDS))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(InvalidLockKeyException.class);
        assertThat(ran).isFalse();
        assertThat(listener.events).as("requests the provider saw").isEmpty();

        limited.run(LockSpec.failFast(NAME, "c", "b", "a"), () -> ran.set(true));
        assertThat(ran).isTrue();
    }

    @Test
    void anExecutorAllowsTheDefaultNumberOfKeysPerCallAndNoMore() {
        List<String> keys = IntStream.rangeClosed(0, LockExecutor.DEFAULT_MAX_KEYS_PER_CALL)
                .mapToObj(i -> "k" + i)
                .toList();
        List<String> allowed = keys.subList(0, LockExecutor.DEFAULT_MAX_KEYS_PER_CALL);

        assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, keys.toArray(String[]::new)), () -> {}))
                .isInstanceOf(InvalidLockKeyException.class);
        assertThat(executor.execute(LockSpec.failFast(NAME, allowed.toArray(String[]::new)), () -> "ran"))
                .isEqualTo("ran");
        assertThatThrownBy(() -> new LockExecutor(provider, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void severalKeysReleaseTheFirstWhenTheSecondIsHeld() {
        AtomicBoolean ran = new AtomicBoolean();
        try (Lease holderOfB = hold("b")) {
            assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "b", "a"), () -> ran.set(true)))
                    .isInstanceOfSatisfying(LockNotAcquiredException.class, e -> {
                        assertThat(e.lockName()).isEqualTo(NAME);
                        assertThat(e.policy()).isEqualTo(LockPolicy.FAIL_FAST);
                    });
            assertThat(executor.isHeldByCurrentThread(NAME, "a")).isFalse();
            assertKeyFree("a");
            assertThat(holderOfB.isValid()).isTrue();
        }
        assertThat(ran).isFalse();
        assertThat(listener.events)
                .containsExactly(
                        "acquiring a FAIL_FAST", "acquired a", "acquiring b FAIL_FAST", "rejected b", "released a");
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void severalKeysReleaseTheFirstWhenTheWaitForTheSecondRunsOut() {
        AtomicBoolean ran = new AtomicBoolean();
        try (Lease holderOfB = hold("b")) {
            assertThatThrownBy(() -> executor.run(LockSpec.waiting(NAME, Duration.ofMillis(50), "b", "a"), () -> {
                        ran.set(true);
                    }))
                    .isInstanceOfSatisfying(
                            LockNotAcquiredException.class,
                            e -> assertThat(e.timedOut()).isTrue());
            assertKeyFree("a");
            assertThat(holderOfB.isValid()).isTrue();
        }
        assertThat(ran).isFalse();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void opposingKeyOrdersDoNotDeadlock() throws Exception {
        int threads = 8;
        int iterations = 2000;
        LockExecutor shared = new LockExecutor(provider);
        LockSpec ab = LockSpec.waiting(NAME, Duration.ofSeconds(30), "A", "B");
        LockSpec ba = LockSpec.waiting(NAME, Duration.ofSeconds(30), "B", "A");
        UnsafeCounter counter = new UnsafeCounter();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(
                    () -> {
                        try {
                            start.await();
                            for (int i = 0; i < iterations; i++) {
                                shared.run((i + offset) % 2 == 0 ? ab : ba, counter::increment);
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        } finally {
                            done.countDown();
                        }
                    },
                    "opposing-orders-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }

        start.countDown();
        boolean finished = done.await(60, SECONDS);
        if (!finished) {
            workers.forEach(Thread::interrupt);
        }

        assertThat(finished).as("all workers finished in time").isTrue();
        assertThat(failures).isEmpty();
        assertThat(counter.value).isEqualTo(threads * iterations);
        assertThat(provider.activeKeyCount()).isZero();
    }

    // --- interrupt -------------------------------------------------------------------------------------

    @Test
    void interruptWhileWaitingThrowsAndLeavesNoLease() throws Exception {
        QueueSignallingProvider signalling = new QueueSignallingProvider(provider);
        LockExecutor waitingExecutor = listened(signalling, listener);
        Lease holder = hold("k1");
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlagAfter = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                waitingExecutor.run(LockSpec.waiting(NAME, LONG_WAIT, "k1"), () -> ran.set(true));
            } catch (Throwable e) {
                thrown.set(e);
                interruptFlagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.setDaemon(true);
        waiter.start();

        assertThat(signalling.awaitQueued()).isTrue();
        awaitParked(waiter);
        waiter.interrupt();
        waiter.join(SECONDS.toMillis(AWAIT_SECONDS));

        assertThat(waiter.isAlive()).isFalse();
        assertThat(thrown.get())
                .isInstanceOfSatisfying(
                        LockInterruptedException.class,
                        e -> assertThat(e.lockName()).isEqualTo(NAME))
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(interruptFlagAfter).isTrue();
        assertThat(ran).isFalse();
        assertThat(listener.events).endsWith("cancelled k1");
        assertThat(holder.isValid()).isTrue();

        holder.release();
        assertThat(provider.activeKeyCount())
                .as("the abandoned wait left nothing")
                .isZero();
        assertKeyFree("k1");
    }

    // --- listener --------------------------------------------------------------------------------------

    @Test
    void listenerHearsAcquiringAcquiredAndReleasedWithHoldTime() {
        Duration minimumHold = Duration.ofMillis(2);

        executor.run(LockSpec.failFast(NAME, "k1"), () -> {
            long start = System.nanoTime();
            while (System.nanoTime() - start < minimumHold.toNanos()) {
                Thread.onSpinWait();
            }
        });

        assertThat(listener.events).containsExactly("acquiring k1 FAIL_FAST", "acquired k1", "released k1");
        assertThat(listener.waits)
                .singleElement()
                .satisfies(waited -> assertThat(waited).isGreaterThanOrEqualTo(Duration.ZERO));
        assertThat(listener.holds)
                .singleElement()
                .satisfies(held -> assertThat(held).isGreaterThanOrEqualTo(minimumHold));
    }

    @Test
    void listenerHearsRejectionForFailFast() {
        try (Lease holder = hold("k1")) {
            assertThatThrownBy(() -> executor.run(LockSpec.failFast(NAME, "k1"), () -> {}))
                    .isInstanceOf(LockNotAcquiredException.class);
            assertThat(holder.isValid()).isTrue();
        }

        assertThat(listener.events).containsExactly("acquiring k1 FAIL_FAST", "rejected k1");
    }

    @Test
    void listenerHearsTimeoutForWait() {
        Duration timeout = Duration.ofMillis(30);
        try (Lease holder = hold("k1")) {
            assertThatThrownBy(() -> executor.run(LockSpec.waiting(NAME, timeout, "k1"), () -> {}))
                    .isInstanceOf(LockNotAcquiredException.class);
            assertThat(holder.isValid()).isTrue();
        }

        assertThat(listener.events).containsExactly("acquiring k1 WAIT", "timedOut k1");
        assertThat(listener.waits)
                .singleElement()
                .satisfies(waited -> assertThat(waited).isGreaterThanOrEqualTo(timeout));
    }

    @Test
    void listenerHearsACancelledAsynchronousWaitAsCancelled() {
        try (Lease holder = hold("k1")) {
            CompletableFuture<LockHandle> waiting = executor.acquireAsync(LockSpec.waiting(NAME, LONG_WAIT, "k1"));

            assertThat(waiting.cancel(false)).isTrue();
            assertThat(holder.isValid()).isTrue();
        }

        assertThat(listener.events).containsExactly("acquiring k1 WAIT", "cancelled k1");
        assertThat(listener.failures).isEmpty();
        assertKeyFree("k1");
    }

    @ParameterizedTest
    @EnumSource(LockPolicy.class)
    void aListenerThatThrowsInEveryCallbackNeitherFailsTheCallNorKeepsTheKey(LockPolicy policy) {
        LockExecutor withFailingListener =
                listened(provider, new ThrowingListener(new IllegalStateException("metrics down")));
        LockSpec spec = new LockSpec(NAME, List.of("k1", "k2"), LockMode.EXCLUSIVE, policy, Duration.ofSeconds(5));

        String single = withFailingListener.execute(
                LockRequest.exclusive(NAME, "k1"), policy, Duration.ofSeconds(5), () -> "single");
        String several = withFailingListener.execute(spec, () -> "several");

        assertThat(single).isEqualTo("single");
        assertThat(several).isEqualTo("several");
        assertKeyFree("k1");
        assertKeyFree("k2");
    }

    @Test
    void aListenerFailingFatallyAfterTheGrantFailsTheCallButReleasesTheKey() {
        InternalError fatal = new InternalError("listener broke the VM");
        LockListener failingOnGrant = new LockListener() {
            @Override
            public void acquired(LockRequest request, Duration waited) {
                throw fatal;
            }
        };
        LockExecutor withFailingListener = listened(provider, failingOnGrant);
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> withFailingListener.run(LockSpec.failFast(NAME, "k1"), () -> ran.set(true)))
                .isSameAs(fatal);
        assertThatThrownBy(() -> withFailingListener.run(LockSpec.failFast(NAME, "k1", "k2"), () -> ran.set(true)))
                .isSameAs(fatal);

        assertThat(ran).isFalse();
        assertKeyFree("k1");
        assertKeyFree("k2");
    }

    @ParameterizedTest
    @EnumSource(LockPolicy.class)
    void providerThrowingIsReportedAsUnavailableAndActionDoesNotRun(LockPolicy policy) {
        assertProviderFailureReported(policy, false);
    }

    @Test
    void providerFailingTheWaitIsReportedAsUnavailableAndActionDoesNotRun() {
        assertProviderFailureReported(LockPolicy.WAIT, true);
    }

    private void assertProviderFailureReported(LockPolicy policy, boolean failAsync) {
        IllegalStateException outage = new IllegalStateException("store down");
        LockExecutor failing = listened(new FailingProvider(outage, failAsync), listener);
        LockSpec spec = new LockSpec(NAME, List.of("k1"), LockMode.EXCLUSIVE, policy, Duration.ofSeconds(1));
        AtomicBoolean ran = new AtomicBoolean();

        assertThatThrownBy(() -> failing.run(spec, () -> ran.set(true)))
                .isInstanceOfSatisfying(LockProviderUnavailableException.class, e -> {
                    assertThat(e.lockName()).isEqualTo(NAME);
                    assertThat(e.getCause()).isSameAs(outage);
                    assertThat(listener.failures).containsExactly(e);
                });

        assertThat(ran).isFalse();
        assertThat(listener.events).containsExactly("acquiring k1 " + policy, "failed k1");
        assertThat(failing.isHeldByCurrentThread(NAME, "k1")).isFalse();
    }

    @Test
    void anErrorReleasingOneKeyStillReleasesTheOthersAndIsThrown() {
        Error broken = new Error("release broke");
        LockExecutor failingRelease = listened(new FailingReleaseProvider(provider, "b", broken), listener);

        assertThatThrownBy(() -> failingRelease.run(LockSpec.failFast(NAME, "a", "b"), () -> {}))
                .isSameAs(broken);

        assertKeyFree("a");
        assertThat(failingRelease.isHeldByCurrentThread(NAME, "b")).isFalse();
    }

    // --- helpers ---------------------------------------------------------------------------------------

    /** An executor whose provider tells {@code listener}, as the starter builds it for listener beans. */
    static LockExecutor listened(LockProvider provider, LockListener listener) {
        return new LockExecutor(new ListeningLockProvider(provider, List.of(listener)));
    }

    private Lease hold(String key) {
        return provider.tryAcquire(LockRequest.exclusive(NAME, key)).orElseThrow();
    }

    private void assertKeyFree(String key) {
        assertThat(executor.isHeldByCurrentThread(NAME, key)).isFalse();
        Optional<Lease> lease = provider.tryAcquire(LockRequest.exclusive(NAME, key));
        assertThat(lease).as("key %s is free", key).isPresent();
        lease.get().release();
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

    private static final class UnsafeCounter {

        int value;

        /** A deliberately wide read-modify-write: without the lock, updates get lost. */
        void increment() {
            int read = value;
            Thread.onSpinWait();
            value = read + 1;
        }
    }

    /** Throws {@code failure} from every callback, as a broken metrics listener would. */
    static final class ThrowingListener implements LockListener {

        private final RuntimeException failure;

        ThrowingListener(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public void acquiring(LockRequest request, LockPolicy policy) {
            throw failure;
        }

        @Override
        public void acquired(LockRequest request, Duration waited) {
            throw failure;
        }

        @Override
        public void rejected(LockRequest request) {
            throw failure;
        }

        @Override
        public void timedOut(LockRequest request, Duration waited) {
            throw failure;
        }

        @Override
        public void failed(LockRequest request, RuntimeException error) {
            throw failure;
        }

        @Override
        public void released(LockRequest request, Duration held) {
            throw failure;
        }
    }

    /** Passes through to a real provider; releasing a lease on {@code key} throws {@code failure}. */
    private record FailingReleaseProvider(LockProvider delegate, String key, Error failure) implements LockProvider {

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            return delegate.tryAcquire(request).map(this::failingOnRelease);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            return delegate.acquire(request, maxWait).thenApply(lease -> lease.map(this::failingOnRelease));
        }

        private Lease failingOnRelease(Lease lease) {
            if (!lease.request().key().equals(key)) {
                return lease;
            }
            return new Lease() {
                @Override
                public LockRequest request() {
                    return lease.request();
                }

                @Override
                public long fencingToken() {
                    return lease.fencingToken();
                }

                @Override
                public boolean isValid() {
                    return lease.isValid();
                }

                @Override
                public void release() {
                    throw failure;
                }
            };
        }
    }

    /** Hears every event as "what key [policy]", keeping durations and failures aside. */
    private static final class RecordingListener implements LockListener {

        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Duration> waits = new CopyOnWriteArrayList<>();
        final List<Duration> holds = new CopyOnWriteArrayList<>();
        final List<RuntimeException> failures = new CopyOnWriteArrayList<>();

        @Override
        public void acquiring(LockRequest request, LockPolicy policy) {
            events.add("acquiring " + request.key() + " " + policy);
        }

        @Override
        public void acquired(LockRequest request, Duration waited) {
            events.add("acquired " + request.key());
            waits.add(waited);
        }

        @Override
        public void rejected(LockRequest request) {
            events.add("rejected " + request.key());
        }

        @Override
        public void timedOut(LockRequest request, Duration waited) {
            events.add("timedOut " + request.key());
            waits.add(waited);
        }

        @Override
        public void failed(LockRequest request, RuntimeException error) {
            events.add("failed " + request.key());
            failures.add(error);
        }

        @Override
        public void cancelled(LockRequest request, Duration waited) {
            events.add("cancelled " + request.key());
            waits.add(waited);
        }

        @Override
        public void released(LockRequest request, Duration held) {
            events.add("released " + request.key());
            holds.add(held);
        }
    }

    /** Passes through to a real provider and signals once a caller is queued behind a holder. */
    private static final class QueueSignallingProvider implements LockProvider {

        private final LockProvider delegate;
        private final CountDownLatch queued = new CountDownLatch(1);

        QueueSignallingProvider(LockProvider delegate) {
            this.delegate = delegate;
        }

        boolean awaitQueued() throws InterruptedException {
            return queued.await(AWAIT_SECONDS, SECONDS);
        }

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            return delegate.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            CompletableFuture<Optional<Lease>> pending = delegate.acquire(request, maxWait);
            if (!pending.isDone()) {
                queued.countDown();
            }
            return pending;
        }
    }

    /** A provider whose store is down: it throws, or completes a wait exceptionally. */
    private static final class FailingProvider implements LockProvider {

        private final RuntimeException failure;
        private final boolean failAsync;

        FailingProvider(RuntimeException failure, boolean failAsync) {
            this.failure = failure;
            this.failAsync = failAsync;
        }

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            throw failure;
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            if (failAsync) {
                return CompletableFuture.failedFuture(failure);
            }
            throw failure;
        }
    }
}
