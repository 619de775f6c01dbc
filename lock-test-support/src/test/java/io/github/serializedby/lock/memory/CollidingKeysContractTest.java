package io.github.serializedby.lock.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.test.LockProviderContractTest;

/** The contract with a key table of two buckets, so that nearly every key shares its bucket with others. */
class CollidingKeysContractTest extends LockProviderContractTest {

    @Override
    protected LockProvider createProvider(WaitBounds bounds) {
        return new InMemoryLockProvider(2, bounds);
    }

    @Override
    protected void closeProvider(LockProvider provider) {
        assertThat(((InMemoryLockProvider) provider).activeKeyCount())
                .as("keys still held or waited for")
                .isZero();
    }
}
