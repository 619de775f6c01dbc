package io.github.serializedby.lock.idempotency;

import io.github.serializedby.lock.test.IdempotencyStoreContractTest;
import java.time.Clock;

class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new InMemoryIdempotencyStore(clock, 100);
    }
}
