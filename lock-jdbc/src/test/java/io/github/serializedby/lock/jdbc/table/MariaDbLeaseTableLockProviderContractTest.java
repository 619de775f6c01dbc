package io.github.serializedby.lock.jdbc.table;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.TestDatabases;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.test.LockProviderContractTest;
import org.junit.jupiter.api.BeforeAll;

class MariaDbLeaseTableLockProviderContractTest extends LockProviderContractTest {

    @BeforeAll
    static void requireDatabase() {
        TestDatabases.mariadb();
    }

    @Override
    protected LockProvider createProvider(WaitBounds bounds) {
        return JdbcLeaseTableLockProvider.builder(TestDatabases.pooled(TestDatabases.mariadb()))
                .createTable(true)
                .waitBounds(bounds)
                .build();
    }

    @Override
    protected void closeProvider(LockProvider provider) {
        ((JdbcLeaseTableLockProvider) provider).close();
    }

    @Override
    protected int fuzzAcquisitions() {
        return 12_000;
    }

    /** Each hand-over is a database round trip on the provider's workers: 1,000 stay well inside the wait on a loaded machine. */
    @Override
    protected int asyncWaiterCount() {
        return 1_000;
    }
}
