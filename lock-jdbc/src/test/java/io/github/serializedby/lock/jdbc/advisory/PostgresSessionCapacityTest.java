package io.github.serializedby.lock.jdbc.advisory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProviderBusyException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.TestDatabases;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A try while every lock session holds a lock is refused as busy, not as an unreachable database. */
@Timeout(60)
class PostgresSessionCapacityTest {

    private final String name = "capacity." + UUID.randomUUID();

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @Test
    void aTryWhileEverySessionHoldsALockIsRefusedAsBusy() throws Exception {
        try (PostgresAdvisoryLockProvider provider = PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .maxConnections(2)
                .build()) {
            Lease first = provider.tryAcquire(LockRequest.exclusive(name, "a")).orElseThrow();
            Lease second = provider.tryAcquire(LockRequest.exclusive(name, "b")).orElseThrow();
            LockRequest third = LockRequest.exclusive(name, "c");

            assertThatThrownBy(() -> provider.tryAcquire(third))
                    .isInstanceOf(LockProviderBusyException.class)
                    .hasMessageContaining("hold locks");
            assertThatThrownBy(() -> provider.acquireBlocking(third, Duration.ZERO))
                    .isInstanceOf(LockProviderBusyException.class);

            first.release();
            provider.tryAcquire(third).orElseThrow().release();
            second.release();
        }
    }
}
