package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.TestDatabases;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.test.LockProviderContractTest;
import org.junit.jupiter.api.BeforeAll;

class PostgresAdvisoryLockProviderContractTest extends LockProviderContractTest {

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @Override
    protected LockProvider createProvider(WaitBounds bounds) {
        return PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .waitBounds(bounds)
                .maxConnections(Integer.getInteger("conns", 10))
                .build();
    }

    @Override
    protected void closeProvider(LockProvider provider) {
        ((PostgresAdvisoryLockProvider) provider).close();
    }

    @Override
    protected int fuzzAcquisitions() {
        return 40_000;
    }

    /** Each hand-over is a database round trip on the provider's workers: 1,000 stay well inside the wait on a loaded machine. */
    @Override
    protected int asyncWaiterCount() {
        return 1_000;
    }
}
