package io.github.serializedby.idempotency;

import io.github.serializedby.idempotency.test.IdempotencyStoreContractTest;
import java.time.Clock;

class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new InMemoryIdempotencyStore(clock, 100);
    }
}
