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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiters of one key in one JVM are served first come, first served: a release lets the first waiter
 * try, not all of them at once (which served them in whatever order their scripts reached Redis).
 */
@Timeout(60)
class FifoOrderTest {

    private static final int WAITERS = 20;

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    @Test
    void waitersOfAKeyAreGrantedInTheOrderTheyCame() throws Exception {
        LockRequest request = LockRequest.exclusive("fifo." + UUID.randomUUID(), "k");
        ConcurrentLinkedQueue<Integer> granted = new ConcurrentLinkedQueue<>();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory())) {
            Lease first = provider.tryAcquire(request).orElseThrow();
            List<CompletableFuture<Void>> served = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                int arrival = i;
                CompletableFuture<Optional<Lease>> waiting = provider.acquire(request, Duration.ofSeconds(30));
                served.add(waiting.thenAccept(lease -> {
                    granted.add(arrival);
                    lease.orElseThrow().release();
                }));
            }
            first.release();

            CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            expected.add(i);
        }
        assertThat(List.copyOf(granted)).as("order of the grants").isEqualTo(expected);
    }
}
