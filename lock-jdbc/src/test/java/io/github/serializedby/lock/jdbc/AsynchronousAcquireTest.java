package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * {@code acquire} is the asynchronous API: a reactive caller may call it on an event-loop thread, which
 * must never wait for the database. Every JDBC call it causes runs on the provider's own threads, whether
 * the key is free, held here (the waiter must be announced), or asked for without waiting.
 */
class AsynchronousAcquireTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    private final String name = "async-acquire." + UUID.randomUUID();

    @Test
    void leaseTableAcquireMakesNoJdbcCallOnTheCallersThread() throws Exception {
        JdbcCallerThreads recorder = new JdbcCallerThreads(TestDatabases.h2());
        try (JdbcLeaseTableLockProvider provider =
                JdbcLeaseTableLockProvider.builder(recorder).createTable(true).build()) {
            assertNoJdbcCallOnTheCallersThread(provider, recorder);
        }
    }

    @Test
    void advisoryAcquireMakesNoJdbcCallOnTheCallersThread() throws Exception {
        JdbcCallerThreads recorder = new JdbcCallerThreads(TestDatabases.postgres());
        try (PostgresAdvisoryLockProvider provider =
                PostgresAdvisoryLockProvider.builder(recorder).createTable(true).build()) {
            assertNoJdbcCallOnTheCallersThread(provider, recorder);
        }
    }

    @Test
    void aWaiterCancelledBeforeItsFirstAttemptLeavesTheKeyFreeAtOnce() throws Exception {
        WorkerGate gate = new WorkerGate(TestDatabases.h2());
        try (JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(gate)
                .createTable(true)
                .workerThreads(1)
                .build()) {
            gate.close();
            CompletableFuture<Optional<Lease>> occupyingTheWorker =
                    provider.acquire(LockRequest.exclusive(name, "other"), LONG_WAIT);
            assertThat(gate.workerArrived.await(30, TimeUnit.SECONDS)).isTrue();
            LockRequest request = LockRequest.exclusive(name, "cancelled");

            assertThat(provider.acquire(request, LONG_WAIT).cancel(false)).isTrue();
            Optional<Lease> afterCancel = provider.tryAcquire(request);

            gate.open.countDown();
            occupyingTheWorker.get(30, TimeUnit.SECONDS).orElseThrow().release();
            assertThat(afterCancel)
                    .as("the key is free once its only waiter cancelled")
                    .isPresent();
            afterCancel.get().release();
        }
    }

    /** Holds back the provider's worker threads at their next connection until opened. */
    private static final class WorkerGate extends DelegatingDataSource {

        final CountDownLatch workerArrived = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        private volatile boolean closed;

        WorkerGate(DataSource target) {
            super(target);
        }

        void close() {
            closed = true;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (closed && Thread.currentThread().getName().contains("-worker-")) {
                workerArrived.countDown();
                try {
                    open.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.getConnection();
        }
    }

    private void assertNoJdbcCallOnTheCallersThread(LockProvider provider, JdbcCallerThreads recorder)
            throws Exception {
        LockRequest held = LockRequest.exclusive(name, "held");
        Lease holder = provider.tryAcquire(held).orElseThrow();
        Thread caller = Thread.currentThread();
        recorder.forget();

        List<CompletableFuture<Optional<Lease>>> pending = List.of(
                provider.acquire(LockRequest.exclusive(name, "free"), LONG_WAIT),
                provider.acquire(LockRequest.shared(name, "free-shared"), LONG_WAIT),
                provider.acquire(LockRequest.exclusive(name, "without-waiting"), Duration.ZERO),
                provider.acquire(held, LONG_WAIT));
        boolean callerDidJdbc = recorder.used(caller);
        holder.release();

        for (CompletableFuture<Optional<Lease>> future : pending) {
            Lease lease = future.get(30, TimeUnit.SECONDS).orElseThrow();
            lease.release();
        }
        assertThat(callerDidJdbc)
                .as("acquire made a JDBC call on the caller's thread")
                .isFalse();
    }
}
