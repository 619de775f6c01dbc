package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.idempotency.IdempotencyStore;
import io.github.serializedby.lock.test.IdempotencyStoreContractTest;
import java.time.Clock;

class PostgresIdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new JdbcIdempotencyStore(TestDatabases.pooled(TestDatabases.postgres()), clock, true);
    }
}
