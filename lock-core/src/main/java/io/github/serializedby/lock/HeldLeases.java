package io.github.serializedby.lock;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The leases a thread's call chain holds through one executor, innermost last; used only by its own
 * thread. A plain array: a chain is rarely more than a few calls deep.
 */
final class HeldLeases {

    private @Nullable Lease[] leases = new Lease[4];
    private int size;

    @Nullable
    Lease find(String name, String key) {
        for (int i = 0; i < size; i++) {
            Lease lease = leases[i];
            if (lease != null) {
                LockRequest request = lease.request();
                if (request.key().equals(key) && request.name().equals(name)) {
                    return lease;
                }
            }
        }
        return null;
    }

    void add(Lease lease) {
        if (size == leases.length) {
            leases = Arrays.copyOf(leases, size * 2);
        }
        leases[size++] = lease;
    }

    /** Forgets {@code lease}; the innermost one in the common case. */
    void remove(Lease lease) {
        for (int i = size - 1; i >= 0; i--) {
            if (leases[i] == lease) {
                System.arraycopy(leases, i + 1, leases, i, size - i - 1);
                leases[--size] = null;
                return;
            }
        }
    }
}
