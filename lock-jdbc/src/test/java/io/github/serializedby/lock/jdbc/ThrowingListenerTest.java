package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.AdvisorySessions;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A listener that throws (a failing metrics call, say) must not stop a provider from closing: every held
 * lease is still reported lost, and the provider's sessions and threads end.
 */
class ThrowingListenerTest {

    private final String name = "throwing-listener." + UUID.randomUUID();
    private final List<Lease> reported = new CopyOnWriteArrayList<>();
    private final LockListener throwing = new LockListener() {
        @Override
        public void leaseLost(Lease lease) {
            reported.add(lease);
            throw new IllegalStateException("a listener that fails");
        }
    };

    @Test
    void leaseTableClosesAndReportsEveryLeaseThoughTheListenerThrows() {
        JdbcLeaseTableLockProvider provider = JdbcLeaseTableLockProvider.builder(TestDatabases.h2())
                .createTable(true)
                .listener(throwing)
                .build();
        List<Lease> held = holdTwo(provider);

        provider.close();

        assertThat(reported).containsExactlyInAnyOrderElementsOf(held);
    }

    @Test
    void advisoryProviderClosesAndReportsEveryLeaseThoughTheListenerThrows() {
        PostgresAdvisoryLockProvider provider = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .listener(throwing)
                .build();
        List<Lease> held = holdTwo(provider);

        provider.close();

        assertThat(reported).containsExactlyInAnyOrderElementsOf(held);
        assertThat(AdvisorySessions.held(provider)).isZero();
    }

    private List<Lease> holdTwo(LockProvider provider) {
        return List.of(
                provider.tryAcquire(LockRequest.exclusive(name, "a")).orElseThrow(),
                provider.tryAcquire(LockRequest.exclusive(name, "b")).orElseThrow());
    }
}
