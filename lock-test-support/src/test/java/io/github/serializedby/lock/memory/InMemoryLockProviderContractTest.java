package io.github.serializedby.lock.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.test.LockProviderContractTest;

class InMemoryLockProviderContractTest extends LockProviderContractTest {

    @Override
    protected LockProvider createProvider(WaitBounds bounds) {
        return new InMemoryLockProvider(bounds);
    }

    /** Runs after the suite released every lease it took: nothing may be left in the map. */
    @Override
    protected void closeProvider(LockProvider provider) {
        assertThat(((InMemoryLockProvider) provider).activeKeyCount())
                .as("keys still held or waited for")
                .isZero();
    }
}
