package io.github.serializedby.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LockExecutorAsyncTest {

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final LockExecutor executor = new LockExecutor(provider);
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aStageHoldsTheLockUntilItCompletesAndTheCallerContinuesAfterTheRelease() throws Exception {
        CompletableFuture<String> work = new CompletableFuture<>();

        CompletableFuture<String> result = executor.executeAsync(LockSpec.failFast("payments", "p-1"), () -> work);

        assertThat(provider.tryAcquire(LockRequest.exclusive("payments", "p-1")))
                .isEmpty();
        CompletableFuture<Boolean> freeWhenCallerContinues =
                result.thenApply(value -> provider.tryAcquire(LockRequest.exclusive("payments", "p-1"))
                        .map(lease -> {
                            lease.release();
                            return true;
                        })
                        .orElse(false));
        work.complete("paid");
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("paid");
        assertThat(freeWhenCallerContinues.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailedStageReleasesTheLockAndKeepsItsFailure() {
        CompletableFuture<String> work = new CompletableFuture<>();
        CompletableFuture<String> result = executor.executeAsync(LockSpec.failFast("payments", "p-1"), () -> work);

        work.completeExceptionally(new IllegalStateException("declined"));

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("declined");
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void aMethodThatThrowsBeforeReturningItsStageReleasesAtOnce() {
        assertThatThrownBy(() -> executor.<String, IllegalStateException>executeAsync(
                        LockSpec.failFast("payments", "p-1"), () -> {
                            throw new IllegalStateException("no stage");
                        }))
                .hasMessage("no stage");
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void asyncExecutionsOnOneKeyNeverOverlap() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] counter = new int[1];
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            callers.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 500; i++) {
                    executor.executeAsync(LockSpec.waiting("payments", Duration.ofSeconds(30), "hot"), () -> {
                                if (inside.incrementAndGet() > 1) {
                                    overlaps.incrementAndGet();
                                }
                                return CompletableFuture.supplyAsync(() -> {
                                    counter[0]++;
                                    inside.decrementAndGet();
                                    return counter[0];
                                });
                            })
                            .get(30, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> caller : callers) {
            caller.get(60, TimeUnit.SECONDS);
        }

        assertThat(overlaps.get()).isZero();
        assertThat(counter[0]).isEqualTo(2000);
    }

    @Test
    void acquireAsyncRefusesAHeldKeyUnderFailFast() {
        Lease holder =
                provider.tryAcquire(LockRequest.exclusive("payments", "p-1")).orElseThrow();

        assertThatThrownBy(() -> executor.acquireAsync(LockSpec.failFast("payments", "p-1"))
                        .get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(LockNotAcquiredException.class);
        holder.release();
    }

    @Test
    void acquireAsyncWaitsWithoutAThreadAndTakesKeysInOrder() throws Exception {
        Lease holder =
                provider.tryAcquire(LockRequest.exclusive("account", "B")).orElseThrow();

        CompletableFuture<LockHandle> pending =
                executor.acquireAsync(LockSpec.waiting("account", Duration.ofSeconds(30), "B", "A"));

        assertThat(pending).isNotDone();
        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "A")))
                .as("A, first in order, is held while B is awaited")
                .isEmpty();
        holder.release();
        LockHandle handle = pending.get(10, TimeUnit.SECONDS);
        assertThat(handle.leases()).extracting(lease -> lease.request().key()).containsExactly("A", "B");
        handle.release();
        handle.release();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void aListenerThatThrowsNeitherStrandsTheAsyncCallerNorKeepsTheKeys() throws Exception {
        LockExecutor withFailingListener = LockExecutorTest.listened(
                provider, new LockExecutorTest.ThrowingListener(new IllegalStateException("metrics down")));
        Lease holder =
                provider.tryAcquire(LockRequest.exclusive("account", "B")).orElseThrow();

        CompletableFuture<LockHandle> immediate =
                withFailingListener.acquireAsync(LockSpec.failFast("account", "C", "D"));
        CompletableFuture<LockHandle> waiting =
                withFailingListener.acquireAsync(LockSpec.waiting("account", Duration.ofSeconds(30), "A", "B"));
        holder.release();

        immediate.get(10, TimeUnit.SECONDS).release();
        waiting.get(10, TimeUnit.SECONDS).release();
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void aListenerFailingFatallyAfterAnAsyncGrantFailsTheCallerAndReleasesEveryKey() {
        InternalError fatal = new InternalError("listener broke the VM");
        AtomicInteger grants = new AtomicInteger();
        LockExecutor withFailingListener = LockExecutorTest.listened(provider, new LockListener() {
            @Override
            public void acquired(LockRequest request, Duration waited) {
                if (grants.incrementAndGet() == 2) {
                    throw fatal;
                }
            }
        });
        Lease holder =
                provider.tryAcquire(LockRequest.exclusive("account", "B")).orElseThrow();

        CompletableFuture<LockHandle> waiting =
                withFailingListener.acquireAsync(LockSpec.waiting("account", Duration.ofSeconds(30), "A", "B"));
        holder.release();

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause().isSameAs(fatal);
        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void cancellingAnAsyncAcquisitionGivesBackWhatItTook() {
        Lease holder =
                provider.tryAcquire(LockRequest.exclusive("account", "B")).orElseThrow();
        CompletableFuture<LockHandle> pending =
                executor.acquireAsync(LockSpec.waiting("account", Duration.ofSeconds(30), "A", "B"));

        assertThat(pending.cancel(false)).isTrue();
        holder.release();

        assertThat(provider.activeKeyCount()).isZero();
    }

    @Test
    void acquireAsyncTakesOnlyTheKeysTheChainDoesNotHoldAndRefusesAnUpgrade() throws Exception {
        LockSpec sharedA = new LockSpec("account", List.of("A"), LockMode.SHARED, LockPolicy.FAIL_FAST, Duration.ZERO);
        LockHandle outer = executor.acquireAsync(sharedA).get(10, TimeUnit.SECONDS);

        LockHandle inner = executor.acquireAsync(
                        new LockSpec(
                                "account", List.of("B", "A"), LockMode.SHARED, LockPolicy.FAIL_FAST, Duration.ZERO),
                        outer.leases())
                .get(10, TimeUnit.SECONDS);

        assertThat(inner.leases()).extracting(lease -> lease.request().key()).containsExactly("B");
        assertThatThrownBy(() -> executor.acquireAsync(LockSpec.failFast("account", "A"), outer.leases())
                        .join())
                .hasCauseInstanceOf(LockUpgradeException.class);
        inner.release();
        outer.release();
        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "A"))).isPresent();
        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "B"))).isPresent();
    }

    @Test
    void acquireAsyncInsideABlockingCallReentersItsLeaseInsteadOfWaitingForIt() {
        LockSpec waiting = LockSpec.waiting("account", Duration.ofMinutes(5), "A");

        executor.run(waiting, () -> {
            CompletableFuture<LockHandle> inner = executor.acquireAsync(waiting, List.of());

            assertThat(inner).isCompleted();
            assertThat(inner.join().leases()).isEmpty();
        });
        executor.run(
                waiting.withMode(LockMode.SHARED),
                () -> assertThatThrownBy(
                                () -> executor.acquireAsync(waiting, List.of()).join())
                        .hasCauseInstanceOf(LockUpgradeException.class));

        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "A"))).isPresent();
    }

    @Test
    void aBlockingCallInsideExecuteHoldingReentersTheHandlesLeases() throws Exception {
        LockHandle outer =
                executor.acquireAsync(LockSpec.failFast("account", "A")).get(10, TimeUnit.SECONDS);

        String inner = executor.executeHolding(
                outer.leases(), () -> executor.execute(LockSpec.failFast("account", "A"), () -> "inside the handle"));

        assertThat(inner).isEqualTo("inside the handle");
        assertThat(executor.isHeldByCurrentThread("account", "A")).isFalse();
        assertThat(outer.leases()).allMatch(Lease::isValid);
        outer.release();
        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "A"))).isPresent();
    }

    @Test
    void acquireAsyncInsideExecuteHoldingWaitsForTheLentLeasesInsteadOfReenteringThem() throws Exception {
        LockHandle outer =
                executor.acquireAsync(LockSpec.failFast("account", "A")).get(10, TimeUnit.SECONDS);
        LockSpec waiting = LockSpec.waiting("account", Duration.ofMinutes(5), "A");

        CompletableFuture<LockHandle> stranger =
                executor.executeHolding(outer.leases(), () -> executor.acquireAsync(waiting, List.of()));
        CompletableFuture<LockHandle> ownChain =
                executor.executeHolding(outer.leases(), () -> executor.acquireAsync(waiting, outer.leases()));

        assertThat(stranger).isNotDone();
        assertThat(ownChain.get(10, TimeUnit.SECONDS).leases()).isEmpty();
        outer.release();
        LockHandle afterwards = stranger.get(10, TimeUnit.SECONDS);
        assertThat(afterwards.leases()).hasSize(1);
        afterwards.release();
        assertThat(provider.tryAcquire(LockRequest.exclusive("account", "A"))).isPresent();
    }
}
