package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.AdvisorySessions;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of asynchronous waiters on one key, each releasing in the continuation of its grant, as a
 * reactive chain does: the hand-over must not nest one waiter's grant inside the previous one's release
 * (the stack would grow with the queue), every waiter is served in arrival order, continuations that
 * throw after releasing change nothing, and the key is free at the end.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ManyAsynchronousWaitersTest {

    private static final int WAITERS = 2_000;

    /** Far longer than the whole queue takes, about a millisecond per hand-over, even on a loaded machine. */
    private static final Duration WAIT = Duration.ofSeconds(150);

    private final String name = "many-waiters." + UUID.randomUUID();

    @Test
    void h2LeaseTableServesEveryWaiterInOrder() throws Exception {
        try (JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(TestDatabases.h2())
                .createTable(true)
                .build()) {
            assertEveryWaiterServedInOrder(provider);
        }
    }

    @Test
    void postgresLeaseTableServesEveryWaiterInOrder() throws Exception {
        try (JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(
                        TestDatabases.pooled(TestDatabases.postgres()))
                .createTable(true)
                .build()) {
            assertEveryWaiterServedInOrder(provider);
        }
    }

    @Test
    void advisoryProviderServesEveryWaiterInOrder() throws Exception {
        try (PostgresAdvisoryLockProvider provider = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .build()) {
            assertEveryWaiterServedInOrder(provider);
            assertThat(AdvisorySessions.held(provider)).isZero();
        }
    }

    private void assertEveryWaiterServedInOrder(LockProvider provider) throws Exception {
        LockRequest request = LockRequest.exclusive(name, "one-key");
        Lease first = provider.tryAcquire(request).orElseThrow();
        ConcurrentLinkedQueue<Integer> served = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> continuations = new ArrayList<>(WAITERS);
        for (int i = 0; i < WAITERS; i++) {
            int arrival = i;
            continuations.add(provider.acquire(request, WAIT).thenAccept(granted -> {
                Lease lease = granted.orElseThrow();
                served.add(arrival);
                lease.release();
                if (arrival % 10 == 0) {
                    throw new ThrownByTheCaller();
                }
            }));
        }
        first.release();

        for (int i = 0; i < WAITERS; i++) {
            Throwable failure = continuations
                    .get(i)
                    .handle((ignored, thrown) -> thrown)
                    .get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
            if (i % 10 == 0) {
                assertThat(failure).hasCauseInstanceOf(ThrownByTheCaller.class);
            } else {
                assertThat(failure).isNull();
            }
        }
        assertThat(served)
                .containsExactlyElementsOf(IntStream.range(0, WAITERS).boxed().toList());
        Optional<Lease> afterwards = provider.tryAcquire(request);
        assertThat(afterwards).as("the key is free at the end").isPresent();
        afterwards.get().release();
    }

    /** What a continuation throws on purpose, after it released its lease. */
    private static final class ThrownByTheCaller extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}
