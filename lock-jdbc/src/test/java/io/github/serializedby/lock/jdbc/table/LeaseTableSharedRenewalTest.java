package io.github.serializedby.lock.jdbc.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.LockIds;
import io.github.serializedby.lock.jdbc.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shared holder whose renewal comes once an exclusive holder has taken the key: the key row said no
 * shared holder lived any more (its shared mark had passed, while the holder's own row had not quite:
 * MariaDB times the two statements apart, PostgreSQL times a renewal by the start of its transaction,
 * which may wait for the exclusive taker's row lock). The renewal must lose the shared lease, not keep it
 * beside the exclusive one.
 */
@Timeout(60)
class LeaseTableSharedRenewalTest {

    private static final Duration LEASE = Duration.ofMillis(1500);

    private final String name = "shared-renewal." + UUID.randomUUID();
    private final List<JdbcLeaseTableLockProvider> providers = new ArrayList<>();

    @AfterEach
    void close() {
        providers.forEach(JdbcLeaseTableLockProvider::close);
    }

    @Test
    void mariaDbSharedRenewalAfterAnExclusiveTakeoverLosesTheSharedLease() throws Exception {
        assertSharedLeaseLost(
                TestDatabases.mariadb(),
                "update serialized_by_lease set shared_until = timestampadd(second, -10, utc_timestamp(6))"
                        + " where lock_id = ?");
    }

    @Test
    void postgresSharedRenewalAfterAnExclusiveTakeoverLosesTheSharedLease() throws Exception {
        assertSharedLeaseLost(
                TestDatabases.postgres(),
                "update serialized_by_lease set shared_until = now() - interval '10 seconds' where lock_id = ?");
    }

    private void assertSharedLeaseLost(DataSource database, String sharedMarkPassed) throws Exception {
        CompletableFuture<Lease> lost = new CompletableFuture<>();
        JdbcLeaseTableLockProvider reader = provider(JdbcLeaseTableLockProvider.builder(TestDatabases.pooled(database))
                .createTable(true)
                .leaseTime(LEASE)
                .listener(new LockListener() {
                    @Override
                    public void leaseLost(Lease lease) {
                        lost.complete(lease);
                    }
                }));
        JdbcLeaseTableLockProvider writer = provider(JdbcLeaseTableLockProvider.builder(TestDatabases.pooled(database))
                .leaseTime(Duration.ofSeconds(30)));
        writer.tryAcquire(LockRequest.exclusive(name, "warm-up")).orElseThrow().release();
        Lease shared = reader.tryAcquire(LockRequest.shared(name, "k")).orElseThrow();
        Lease exclusive = null;
        for (int attempt = 0; exclusive == null && attempt < 20; attempt++) {
            try (Connection connection = database.getConnection();
                    PreparedStatement statement = connection.prepareStatement(sharedMarkPassed)) {
                statement.setLong(1, LockIds.of(name, "k"));
                assertThat(statement.executeUpdate()).isEqualTo(1);
            }
            exclusive = writer.tryAcquire(LockRequest.exclusive(name, "k")).orElse(null);
        }
        assertThat(exclusive)
                .as("the exclusive taker got in once the shared mark had passed (a renewal may restore it first)")
                .isNotNull();

        assertThat(lost.get(LEASE.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS))
                .isSameAs(shared);
        assertThat(shared.isValid()).isFalse();
        assertThat(exclusive.isValid()).isTrue();
        exclusive.release();
    }

    private JdbcLeaseTableLockProvider provider(JdbcLeaseTableLockProvider.Builder builder) {
        JdbcLeaseTableLockProvider provider = builder.build();
        providers.add(provider);
        return provider;
    }
}
