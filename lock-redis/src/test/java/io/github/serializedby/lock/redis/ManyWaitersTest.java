package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many asynchronous waiters on one key, each releasing from its own continuation: every one is granted,
 * one at a time, without the stack growing from one hand-over to the next, and the key is free at the end,
 * even when continuations throw.
 */
@Timeout(300)
class ManyWaitersTest {

    /**
     * Each release wakes every waiter still waiting (Redis does not queue them), so the tries grow with
     * the square of this count; a few hundred keep the test within a minute on a loaded machine.
     */
    private static final int WAITERS = 300;

    private static final int MAX_STACK_DEPTH = 300;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    @Test
    void everyWaiterIsGrantedInTurnWithoutRecursionAndTheKeyEndsFree() throws Exception {
        LockRequest request = LockRequest.exclusive("many-waiters." + UUID.randomUUID(), "k");
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            Lease first = provider.tryAcquire(request).orElseThrow();
            List<CompletableFuture<Void>> continuations = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                boolean throwsAfterwards = i % 10 == 0;
                CompletableFuture<Optional<Lease>> waiting = provider.acquire(request, Duration.ofMinutes(4));
                continuations.add(waiting.thenAccept(granted -> {
                    Lease lease = granted.orElseThrow();
                    if (holders.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    tokens.add(lease.fencingToken());
                    deepest.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
                    holders.decrementAndGet();
                    lease.release();
                    if (throwsAfterwards) {
                        throw new IllegalStateException("a caller's continuation failing after its release");
                    }
                }));
            }
            first.release();

            for (int i = 0; i < WAITERS; i++) {
                CompletableFuture<Void> continuation = continuations.get(i);
                continuation.handle((done, failure) -> null).get(4, TimeUnit.MINUTES);
                assertThat(continuation.isCompletedExceptionally())
                        .as("waiter %d", i)
                        .isEqualTo(i % 10 == 0);
            }
            assertThat(overlaps).hasValue(0);
            assertThat(List.copyOf(tokens)).hasSize(WAITERS).isSorted().doesNotHaveDuplicates();
            assertThat(deepest.get()).as("stack depth of a continuation").isLessThan(MAX_STACK_DEPTH);
            assertThat(provider.tryAcquire(request)).hasValueSatisfying(Lease::release);
        }
    }
}
