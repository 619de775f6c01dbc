package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** What happens when holders die, instances compete and the database goes away, on PostgreSQL. */
@Timeout(120)
class PostgresFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final String name = "failure." + UUID.randomUUID();

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void advisoryLockOfAKilledSessionIsFreeAtOnceAndTheNextHolderGetsALargerToken() throws Exception {
        CompletableFuture<Lease> lost = new CompletableFuture<>();
        PostgresAdvisoryLockProvider first = advisory(PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .sessionCheckInterval(Duration.ofMillis(100))
                .listener(new LockListener() {
                    @Override
                    public void leaseLost(Lease lease) {
                        lost.complete(lease);
                    }
                }));
        PostgresAdvisoryLockProvider second = advisory(
                PostgresAdvisoryLockProvider.builder(TestDatabases.postgres()).recheckInterval(Duration.ofMillis(50)));
        Lease held = first.tryAcquire(LockRequest.exclusive(name, "k")).orElseThrow();
        assertThat(second.tryAcquire(LockRequest.exclusive(name, "k"))).isEmpty();
        CompletableFuture<Optional<Lease>> next = second.acquire(LockRequest.exclusive(name, "k"), WAIT);

        terminate(holderPid(LockIds.of(name, "k")));

        Lease taken = next.get(WAIT.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(lost.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(held);
        assertThat(held.isValid()).isFalse();
        held.release();
        taken.release();
    }

    @Test
    void leaseTableLockOfADeadHolderIsFreeAfterTheLeaseAndTheNextHolderGetsALargerToken() throws Exception {
        CompletableFuture<Lease> lost = new CompletableFuture<>();
        SwitchableDataSource cutOff = new SwitchableDataSource(TestDatabases.postgres());
        JdbcLeaseTableLockProvider first = table(JdbcLeaseTableLockProvider.builder(cutOff)
                .createTable(true)
                .leaseTime(Duration.ofMillis(900))
                .listener(new LockListener() {
                    @Override
                    public void leaseLost(Lease lease) {
                        lost.complete(lease);
                    }
                }));
        JdbcLeaseTableLockProvider second = table(
                JdbcLeaseTableLockProvider.builder(TestDatabases.postgres()).retryInterval(Duration.ofMillis(50)));
        Lease held = first.tryAcquire(LockRequest.exclusive(name, "k")).orElseThrow();
        long start = System.nanoTime();

        cutOff.down(); // the holder can no longer renew, as if its process had died

        Lease taken = second.acquire(LockRequest.exclusive(name, "k"), WAIT)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .orElseThrow();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(lost.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(held);
        assertThat(held.isValid()).isFalse();
        taken.release();
    }

    @Test
    void twoAdvisoryInstancesNeverBothHoldAKey() throws Exception {
        neverBothHold(
                advisory(PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())),
                advisory(PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())));
    }

    @Test
    void twoLeaseTableInstancesNeverBothHoldAKey() throws Exception {
        DataSource pool = TestDatabases.pooled(TestDatabases.postgres());
        neverBothHold(
                table(JdbcLeaseTableLockProvider.builder(pool).createTable(true)),
                table(JdbcLeaseTableLockProvider.builder(pool).retryInterval(Duration.ofMillis(20))));
    }

    @Test
    void unreachableDatabaseGivesProviderUnavailableNeverALease() throws Exception {
        DataSource nowhere =
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2", "x", "");
        for (LockProvider provider : List.of(
                advisory(PostgresAdvisoryLockProvider.builder(nowhere)),
                table(JdbcLeaseTableLockProvider.builder(nowhere)))) {
            assertThatThrownBy(() -> provider.tryAcquire(LockRequest.exclusive(name, "k")))
                    .isInstanceOf(LockProviderUnavailableException.class);
            assertThatThrownBy(() -> provider.acquire(LockRequest.exclusive(name, "k"), WAIT)
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(LockProviderUnavailableException.class);
            assertThatThrownBy(() -> provider.acquireBlocking(LockRequest.shared(name, "k"), WAIT))
                    .isInstanceOf(LockProviderUnavailableException.class);
        }
    }

    @Test
    void providersRecoverWhenTheDatabaseComesBack() throws Exception {
        SwitchableDataSource advisorySource = new SwitchableDataSource(TestDatabases.postgres());
        SwitchableDataSource tableSource = new SwitchableDataSource(TestDatabases.postgres());
        advisorySource.down();
        tableSource.down();
        PostgresAdvisoryLockProvider advisory =
                advisory(PostgresAdvisoryLockProvider.builder(advisorySource).createTable(true));
        JdbcLeaseTableLockProvider table =
                table(JdbcLeaseTableLockProvider.builder(tableSource).createTable(true));
        for (LockProvider provider : List.<LockProvider>of(advisory, table)) {
            assertThatThrownBy(() -> provider.tryAcquire(LockRequest.exclusive(name, "k")))
                    .isInstanceOf(LockProviderUnavailableException.class);
        }

        advisorySource.up();
        tableSource.up();

        assertThat(advisory.tryAcquire(LockRequest.exclusive(name, "a"))).isPresent();
        assertThat(table.tryAcquire(LockRequest.exclusive(name, "t"))).isPresent();
    }

    private void neverBothHold(LockProvider a, LockProvider b) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        closeables.add(threads::shutdownNow);
        List<Future<?>> workers = new ArrayList<>();
        for (LockProvider provider : List.of(a, b, a, b)) {
            workers.add(threads.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    Optional<Lease> lease = provider.acquireBlocking(LockRequest.exclusive(name, "k"), WAIT);
                    try (Lease held = lease.orElseThrow()) {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
        }
        assertThat(overlaps).hasValue(0);
        assertThat(done).hasValue(600);
    }

    private PostgresAdvisoryLockProvider advisory(PostgresAdvisoryLockProvider.Builder builder) {
        PostgresAdvisoryLockProvider provider = builder.createTable(true).build();
        closeables.add(provider);
        return provider;
    }

    private JdbcLeaseTableLockProvider table(JdbcLeaseTableLockProvider.Builder builder) {
        JdbcLeaseTableLockProvider provider = builder.build();
        closeables.add(provider);
        return provider;
    }

    private static int holderPid(long lockId) throws SQLException {
        try (Connection connection = TestDatabases.postgres().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select pid from pg_locks where locktype = 'advisory' and objsubid = 1 and granted"
                                + " and classid::bigint = ? and objid::bigint = ?")) {
            statement.setLong(1, lockId >>> 32);
            statement.setLong(2, lockId & 0xFFFF_FFFFL);
            try (ResultSet result = statement.executeQuery()) {
                assertThat(result.next()).as("a session holds the lock").isTrue();
                return result.getInt(1);
            }
        }
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection connection = TestDatabases.postgres().getConnection();
                PreparedStatement statement = connection.prepareStatement("select pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.executeQuery().close();
        }
    }
}
