package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time from a holder's release to the waiter's grant, within one provider and across two instances. The
 * cross-instance hand-over must come from the release notification, well before the 1 s recheck.
 */
@Timeout(120)
class HandOverLatencyTest {

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @Test
    void advisoryHandOver() throws Exception {
        try (PostgresAdvisoryLockProvider a = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                        .createTable(true)
                        .build();
                PostgresAdvisoryLockProvider b = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                        .build()) {
            long[] local = measure(a, a, 200);
            long[] remote = measure(a, b, 200);
            report("advisory, same instance", local);
            report("advisory, other instance", remote);
            assertThat(percentile(remote, 50)).isLessThan(Duration.ofMillis(500).toNanos());
        }
    }

    @Test
    void leaseTableHandOver() throws Exception {
        try (JdbcLeaseTableLockProvider a = JdbcLeaseTableLockProvider.builder(
                                TestDatabases.pooled(TestDatabases.postgres()))
                        .createTable(true)
                        .build();
                JdbcLeaseTableLockProvider b = JdbcLeaseTableLockProvider.builder(
                                TestDatabases.pooled(TestDatabases.postgres()))
                        .build()) {
            report("lease table (PostgreSQL), same instance", measure(a, a, 200));
            // polled every retry-interval (100 ms): few rounds
            report("lease table (PostgreSQL), other instance", measure(a, b, 20));
        }
    }

    private static long[] measure(LockProvider holder, LockProvider waiter, int rounds) throws Exception {
        String name = "latency." + UUID.randomUUID();
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            Lease held = holder.tryAcquire(LockRequest.exclusive(name, "k")).orElseThrow();
            CompletableFuture<Optional<Lease>> waiting =
                    waiter.acquire(LockRequest.exclusive(name, "k"), Duration.ofSeconds(20));
            CompletableFuture<Long> grantedAt = waiting.thenApply(lease -> System.nanoTime());
            long releasedAt = System.nanoTime();
            held.release();
            long granted = grantedAt.get(20, TimeUnit.SECONDS);
            waiting.join().orElseThrow().release();
            nanos[i] = granted - releasedAt;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
    }

    private static void report(String what, long[] sorted) {
        System.out.printf(
                "hand-over %s: median %.2f ms, p99 %.2f ms (%d rounds)%n",
                what, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6, sorted.length);
    }
}
