package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.test.LockProviderContractTest;

class InMemoryLockProviderContractTest extends LockProviderContractTest {

    @Override
    protected LockProvider createProvider() {
        return new InMemoryLockProvider();
    }
}
