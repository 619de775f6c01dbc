package io.github.serializedby.lock.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The bounds on waiting ({@link WaitBounds}), which every provider applies to its callers in this JVM:
 * part of the {@link LockProviderContractTest}, which extends it, so that no provider forgets them. Each
 * test builds its own provider with the bounds it needs; the key is held in this JVM, so that every
 * caller queues here, and how many wait is read from the bounds, never guessed with a sleep.
 */
public abstract class WaitBoundsContractTest {

    private static final int NONE = Integer.MAX_VALUE;
    private static final Duration PATIENT = Duration.ofSeconds(20);

    /** Creates a provider whose waiting {@code bounds} limits. */
    protected abstract LockProvider createProvider(WaitBounds bounds) throws Exception;

    /** Closes what {@link #createProvider(WaitBounds)} opened; called after each test. */
    protected void closeProvider(LockProvider provider) throws Exception {}

    /** How many waits, timeouts and cancellations {@link #noSlotLeaksAfterManyMixedWaits} makes. */
    protected int mixedWaits() {
        return 10_000;
    }

    private final String name = getClass().getSimpleName() + ".bounds." + UUID.randomUUID();

    @Test
    void maxWaitersLetsExactlyThatManyWaitAndRefusesTheRestAtOnce() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, new WaitLimits(3, NONE, false));
        withProvider(bounds, provider -> {
            Lease holder = provider.tryAcquire(request("k")).orElseThrow();
            List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(provider.acquire(request("k"), PATIENT));
            }
            assertThat(bounds.waiting(name)).isEqualTo(3);

            CompletableFuture<Optional<Lease>> fourth = provider.acquire(request("k"), PATIENT);
            assertThat(fourth).isCompletedExceptionally();
            assertThat(refusal(fourth).bound()).isEqualTo(Bound.KEY);
            assertThat(refusal(fourth).waiters()).isEqualTo(3);
            assertThatThrownBy(() -> provider.acquireBlocking(request("k"), PATIENT))
                    .isInstanceOfSatisfying(
                            LockQueueFullException.class,
                            e -> assertThat(e.bound()).isEqualTo(Bound.KEY));
            assertThat(provider.tryAcquire(request("other"))).hasValueSatisfying(Lease::release);
            assertThatThrownBy(() ->
                            new LockExecutor(provider).run(LockSpec.waiting(name, PATIENT, "free", "k"), () -> {}))
                    .as("the executor's caller is refused, and the key it took first is given back")
                    .isInstanceOf(LockQueueFullException.class);
            assertThat(provider.tryAcquire(request("free"))).hasValueSatisfying(Lease::release);

            holder.release();
            for (CompletableFuture<Optional<Lease>> waiter : waiters) {
                waiter.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            }
            awaitZero(bounds::waiting);
            assertThat(bounds.waiting(name)).isZero();
        });
    }

    @Test
    void timedOutAndCancelledWaitersFreeTheirSlot() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, new WaitLimits(2, NONE, false));
        withProvider(bounds, provider -> {
            Lease holder = provider.tryAcquire(request("k")).orElseThrow();
            CompletableFuture<Optional<Lease>> cancelled = provider.acquire(request("k"), PATIENT);
            CompletableFuture<Optional<Lease>> timedOut = provider.acquire(request("k"), Duration.ofMillis(50));
            assertThat(refusal(provider.acquire(request("k"), PATIENT)).bound()).isEqualTo(Bound.KEY);

            cancelled.cancel(false);
            awaitCount(() -> bounds.waiting(name), 1);
            assertThat(timedOut.get(PATIENT.toSeconds(), TimeUnit.SECONDS)).isEmpty();
            awaitZero(() -> bounds.waiting(name));

            CompletableFuture<Optional<Lease>> first = provider.acquire(request("k"), PATIENT);
            CompletableFuture<Optional<Lease>> second = provider.acquire(request("k"), PATIENT);
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
            holder.release();
            first.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            second.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            awaitZero(bounds::waiting);
        });
    }

    @Test
    void lockBoundCountsTheWaitersOfEveryKeyOfTheName() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, new WaitLimits(NONE, 2, false));
        withProvider(bounds, provider -> {
            Lease first = provider.tryAcquire(request("a")).orElseThrow();
            Lease second = provider.tryAcquire(request("b")).orElseThrow();
            CompletableFuture<Optional<Lease>> onA = provider.acquire(request("a"), PATIENT);
            CompletableFuture<Optional<Lease>> onB = provider.acquire(request("b"), PATIENT);

            LockQueueFullException refused = refusal(provider.acquire(request("a"), PATIENT));
            assertThat(refused.bound()).isEqualTo(Bound.LOCK);
            assertThat(refused.waiters()).isEqualTo(2);

            first.release();
            second.release();
            onA.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            onB.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            awaitZero(bounds::waiting);
        });
    }

    @Test
    void globalBoundCountsTheWaitersOfEveryLock() throws Exception {
        WaitBounds bounds = new WaitBounds(1, WaitLimits.UNBOUNDED);
        withProvider(bounds, provider -> {
            LockRequest other = LockRequest.exclusive(name + ".other", "k");
            Lease first = provider.tryAcquire(request("k")).orElseThrow();
            Lease second = provider.tryAcquire(other).orElseThrow();
            CompletableFuture<Optional<Lease>> waiting = provider.acquire(request("k"), PATIENT);

            LockQueueFullException refused = refusal(provider.acquire(other, PATIENT));
            assertThat(refused.bound()).isEqualTo(Bound.GLOBAL);
            assertThat(refused.waiters()).isEqualTo(1);

            first.release();
            waiting.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            second.release();
            awaitZero(bounds::waiting);
        });
    }

    /**
     * The hold is made long on purpose (a sleep makes a hold, it synchronises nothing): once measured, a
     * caller whose wait is shorter than the hold is refused, and one with a long wait is let in.
     */
    @Test
    void expectedWaitRefusesACallerWhoseWaitIsShorterThanTheRecentHold() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, new WaitLimits(NONE, NONE, true));
        withProvider(bounds, provider -> {
            Lease holder = provider.tryAcquire(request("k")).orElseThrow();
            CompletableFuture<Optional<Lease>> next = provider.acquire(request("k"), PATIENT);
            Thread.sleep(300);
            holder.release();
            Lease second = next.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow();

            LockQueueFullException refused = refusal(provider.acquire(request("k"), Duration.ofMillis(100)));
            assertThat(refused.bound()).isEqualTo(Bound.EXPECTED_WAIT);
            assertThat(refused.recentHoldTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            CompletableFuture<Optional<Lease>> patient = provider.acquire(request("k"), PATIENT);
            assertThat(patient).isNotDone();

            second.release();
            patient.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow().release();
            awaitZero(bounds::waiting);
        });
    }

    @Test
    void expectedWaitIsNotCheckedUnlessSwitchedOn() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, WaitLimits.UNBOUNDED);
        withProvider(bounds, provider -> {
            Lease holder = provider.tryAcquire(request("k")).orElseThrow();
            CompletableFuture<Optional<Lease>> next = provider.acquire(request("k"), PATIENT);
            Thread.sleep(300);
            holder.release();
            Lease second = next.get(PATIENT.toSeconds(), TimeUnit.SECONDS).orElseThrow();

            assertThat(provider.acquire(request("k"), Duration.ofMillis(100))
                            .get(PATIENT.toSeconds(), TimeUnit.SECONDS))
                    .isEmpty();
            second.release();
            awaitZero(bounds::waiting);
        });
    }

    /**
     * Rounds of waiters on a held key, a third cancelled, a third timing out, a third served, some of each
     * refused by the bound: afterwards no slot is still counted.
     */
    @Test
    void noSlotLeaksAfterManyMixedWaits() throws Exception {
        WaitBounds bounds = new WaitBounds(NONE, new WaitLimits(40, NONE, false));
        int perRound = 100;
        withProvider(bounds, provider -> {
            int refused = 0;
            for (int round = 0; round < mixedWaits() / perRound; round++) {
                Lease holder = provider.acquireBlocking(request("k"), PATIENT).orElseThrow();
                List<CompletableFuture<Optional<Lease>>> futures = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    Duration wait = i % 3 == 1 ? Duration.ofMillis(1) : PATIENT;
                    CompletableFuture<Optional<Lease>> future = provider.acquire(request("k"), wait);
                    futures.add(future);
                    future.thenAccept(granted -> granted.ifPresent(Lease::release));
                    if (i % 3 == 0) {
                        future.cancel(false);
                    }
                }
                holder.release();
                for (CompletableFuture<Optional<Lease>> future : futures) {
                    try {
                        future.get(PATIENT.toSeconds(), TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(LockQueueFullException.class);
                        refused++;
                    } catch (java.util.concurrent.CancellationException e) {
                        // a third are cancelled
                    }
                }
            }
            assertThat(refused).as("callers refused by the bound").isPositive();
            provider.acquireBlocking(request("k"), PATIENT).orElseThrow().release();
            awaitZero(bounds::waiting);
            assertThat(bounds.waiting(name)).isZero();
        });
    }

    private LockRequest request(String key) {
        return LockRequest.exclusive(name, key);
    }

    private static LockQueueFullException refusal(CompletableFuture<Optional<Lease>> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof LockQueueFullException refused) {
                return refused;
            }
            throw new AssertionError("Expected a LockQueueFullException", e.getCause());
        }
        throw new AssertionError("Expected a refusal");
    }

    /**
     * A slot is freed once the waiter's future completes, possibly just after its caller saw the answer:
     * polls the count, with a generous deadline.
     */
    private static void awaitCount(IntSupplier count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(count.getAsInt()).as("callers counted as waiting").isEqualTo(expected);
    }

    private static void awaitZero(IntSupplier count) throws InterruptedException {
        awaitCount(count, 0);
    }

    private void withProvider(WaitBounds bounds, ProviderTest test) throws Exception {
        LockProvider provider = createProvider(bounds);
        try {
            test.run(provider);
        } finally {
            closeProvider(provider);
        }
    }

    @FunctionalInterface
    private interface ProviderTest {
        void run(LockProvider provider) throws Exception;
    }
}
