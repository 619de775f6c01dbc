package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDBC providers' threads as callers see them: an asynchronous caller's continuation, which may block
 * (a JDBC call in a Mono), does not run on the worker that serves every key; and a closed provider
 * refuses every new call at once.
 */
@Timeout(60)
class ContinuationAndCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String name = "continuation-close." + UUID.randomUUID();

    @Test
    void aBlockingContinuationLeavesTheWorkerFreeForOtherKeys() throws Exception {
        try (JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(TestDatabases.h2())
                .createTable(true)
                .workerThreads(1)
                .build()) {
            LockRequest busy = LockRequest.exclusive(name, "busy");
            Lease holder = provider.tryAcquire(busy).orElseThrow();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch unblock = new CountDownLatch(1);
            CompletableFuture<String> continuation = provider.acquire(busy, WAIT)
                    .thenApply(granted -> {
                        entered.countDown();
                        try {
                            unblock.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        granted.orElseThrow().release();
                        return Thread.currentThread().getName();
                    });
            try {
                holder.release();
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

                Optional<Lease> other = provider.acquire(LockRequest.exclusive(name, "other"), WAIT)
                        .get(10, TimeUnit.SECONDS);

                assertThat(other)
                        .as("another key, granted while a continuation blocks")
                        .isPresent();
                other.get().release();
            } finally {
                unblock.countDown();
            }
            assertThat(continuation.get(10, TimeUnit.SECONDS)).doesNotContain("-worker-");
        }
    }

    @Test
    void aClosedAdvisoryProviderRefusesEveryCallAtOnce() throws Exception {
        PostgresAdvisoryLockProvider provider = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .build();
        provider.close();
        assertRefusesEveryCall(provider);
    }

    @Test
    void aClosedLeaseTableProviderRefusesEveryCallAtOnce() throws Exception {
        JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(TestDatabases.h2())
                .createTable(true)
                .build();
        provider.close();
        assertRefusesEveryCall(provider);
    }

    private void assertRefusesEveryCall(LockProvider provider) {
        LockRequest request = LockRequest.exclusive(name, "closed");
        assertThatThrownBy(() -> provider.tryAcquire(request)).isInstanceOf(LockProviderUnavailableException.class);
        assertThatThrownBy(() -> provider.acquireBlocking(request, WAIT))
                .isInstanceOf(LockProviderUnavailableException.class);
        assertThat(provider.acquire(request, WAIT)).isCompletedExceptionally();
        assertThat(provider.acquire(request, Duration.ZERO)).isCompletedExceptionally();
    }
}
