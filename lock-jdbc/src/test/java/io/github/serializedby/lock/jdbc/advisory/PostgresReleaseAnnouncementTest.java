package io.github.serializedby.lock.jdbc.advisory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.LockIds;
import io.github.serializedby.lock.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Releases are announced with {@code pg_notify} exactly while some process waits for the lock. */
@Timeout(60)
class PostgresReleaseAnnouncementTest {

    private final String name = "announce." + UUID.randomUUID();

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @Test
    void aReleaseNobodyWaitsForIsNotAnnouncedOneAWaiterElsewhereWaitsForIs() throws Exception {
        LockRequest request = LockRequest.exclusive(name, "k");
        String payload = Long.toString(LockIds.of(request));
        try (Connection listening = TestDatabases.postgres().getConnection();
                PostgresAdvisoryLockProvider holder = provider(Duration.ofSeconds(30));
                PostgresAdvisoryLockProvider waiter = provider(Duration.ofSeconds(30))) {
            try (Statement statement = listening.createStatement()) {
                statement.execute("LISTEN " + AdvisoryLockStore.CHANNEL);
            }

            holder.tryAcquire(request).orElseThrow().release();
            assertThat(announced(listening, payload)).as("no waiter").isFalse();

            Lease held = holder.tryAcquire(request).orElseThrow();
            CompletableFuture<Optional<Lease>> waiting = waiter.acquire(request, Duration.ofSeconds(30));
            awaitWaiterMarked(request);
            long released = System.nanoTime();
            held.release();

            assertThat(announced(listening, payload))
                    .as("a waiter in another provider")
                    .isTrue();
            Lease taken = waiting.get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(Duration.ofNanos(System.nanoTime() - released))
                    .as("woken by the announcement, not the 30 s recheck")
                    .isLessThan(Duration.ofSeconds(5));
            taken.release();
        }
    }

    private static PostgresAdvisoryLockProvider provider(Duration recheckInterval) {
        return PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .recheckInterval(recheckInterval)
                .build();
    }

    private static boolean announced(Connection listening, String payload) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < deadline) {
            PGNotification[] notifications =
                    listening.unwrap(PGConnection.class).getNotifications(100);
            List<String> payloads = new ArrayList<>();
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    payloads.add(notification.getParameter());
                }
            }
            if (payloads.contains(payload)) {
                return true;
            }
        }
        return false;
    }

    private static void awaitWaiterMarked(LockRequest request) throws Exception {
        long id = LockIds.of(request);
        try (Connection connection = TestDatabases.postgres().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "select count(*) from pg_locks where locktype = 'advisory' and objsubid = 2"
                                + " and mode = 'ShareLock' and classid::bigint = ? and objid::bigint = ?")) {
            statement.setLong(1, id >>> 32);
            statement.setLong(2, id & 0xFFFF_FFFFL);
            for (int i = 0; i < 500; i++) {
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    if (result.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the waiter never marked the lock");
    }
}
