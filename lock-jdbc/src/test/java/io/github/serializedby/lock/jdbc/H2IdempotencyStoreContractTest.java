package io.github.serializedby.lock.jdbc;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore;
import io.github.serializedby.idempotency.test.IdempotencyStoreContractTest;
import java.time.Clock;

class H2IdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new JdbcIdempotencyStore(TestDatabases.h2(), clock, true);
    }
}
