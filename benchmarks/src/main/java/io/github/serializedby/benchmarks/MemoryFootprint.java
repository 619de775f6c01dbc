package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;

/**
 * Memory of the in-memory provider, measured by walking the object graph (JOL): bytes per held key
 * (map entry, key state, lease and request, not the caller's key strings), and what remains after a
 * million distinct keys were locked and released.
 */
final class MemoryFootprint {

    /** What was measured. */
    record Result(double bytesPerHeldKey, long emptyBytes, long afterMillionKeysBytes, int activeKeysAfter) {}

    private MemoryFootprint() {}

    static Result measure(int heldKeys) {
        InMemoryLockProvider provider = new InMemoryLockProvider();
        long empty = GraphLayout.parseInstance(provider).totalSize();

        List<String> keys = new ArrayList<>(heldKeys);
        for (int i = 0; i < heldKeys; i++) {
            keys.add("key-" + i);
        }
        String name = "memory";
        Lease[] leases = new Lease[heldKeys];
        for (int i = 0; i < heldKeys; i++) {
            leases[i] = provider.tryAcquire(LockRequest.exclusive(name, keys.get(i)))
                    .orElseThrow();
        }
        long withLeases = GraphLayout.parseInstance(provider, leases).totalSize();
        long callerOwned = GraphLayout.parseInstance(keys.toArray(), name).totalSize()
                + GraphLayout.parseInstance((Object) new Lease[heldKeys]).totalSize();
        double perKey = (withLeases - empty - callerOwned) / (double) heldKeys;
        for (Lease lease : leases) {
            lease.release();
        }

        InMemoryLockProvider fresh = new InMemoryLockProvider();
        for (int i = 0; i < 1_000_000; i++) {
            fresh.tryAcquire(LockRequest.exclusive(name, "distinct-" + i))
                    .orElseThrow()
                    .release();
        }
        long after = GraphLayout.parseInstance(fresh).totalSize();
        return new Result(perKey, empty, after, fresh.activeKeyCount());
    }
}
