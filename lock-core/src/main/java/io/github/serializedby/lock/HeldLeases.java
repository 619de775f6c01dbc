package io.github.serializedby.lock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The leases a thread's call chain holds, innermost last, each with the executor (its {@link Acquirer})
 * that holds it; used only by its own thread. Re-entry looks only at one executor's leases; {@link
 * HeldLocks#current()} reads them all. A lease can be lent, held by an asynchronous call that runs code
 * on this thread for a while: only calls that finish on this thread may re-enter it. Plain arrays: a
 * chain is rarely more than a few calls deep.
 */
final class HeldLeases {

    private static final ThreadLocal<HeldLeases> BY_THREAD = ThreadLocal.withInitial(HeldLeases::new);

    private @Nullable Lease[] leases = new Lease[4];
    private @Nullable Object[] owners = new Object[4];
    private boolean[] lent = new boolean[4];
    private int size;

    /** The chain of the current thread. */
    static HeldLeases ofCurrentThread() {
        return BY_THREAD.get();
    }

    /** The lease of {@code owner} for (name, key), lent or not; the outermost when several are. */
    @Nullable
    Lease find(Object owner, String name, String key) {
        return find(owner, name, key, true);
    }

    /** As {@link #find(Object, String, String)}, skipping the lent leases unless {@code includeLent}. */
    @Nullable
    Lease find(Object owner, String name, String key, boolean includeLent) {
        for (int i = 0; i < size; i++) {
            Lease lease = leases[i];
            if (lease != null && owners[i] == owner && (includeLent || !lent[i])) {
                LockRequest request = lease.request();
                if (request.key().equals(key) && request.name().equals(name)) {
                    return lease;
                }
            }
        }
        return null;
    }

    void add(Object owner, Lease lease) {
        add(owner, lease, false);
    }

    /** Adds {@code lease}, lent when an asynchronous call holds it rather than a call on this thread. */
    void add(Object owner, Lease lease, boolean isLent) {
        if (size == leases.length) {
            leases = Arrays.copyOf(leases, size * 2);
            owners = Arrays.copyOf(owners, size * 2);
            lent = Arrays.copyOf(lent, size * 2);
        }
        owners[size] = owner;
        lent[size] = isLent;
        leases[size++] = lease;
    }

    /** Forgets {@code lease}; the innermost one in the common case. */
    void remove(Lease lease) {
        for (int i = size - 1; i >= 0; i--) {
            if (leases[i] == lease) {
                System.arraycopy(leases, i + 1, leases, i, size - i - 1);
                System.arraycopy(owners, i + 1, owners, i, size - i - 1);
                System.arraycopy(lent, i + 1, lent, i, size - i - 1);
                leases[--size] = null;
                owners[size] = null;
                lent[size] = false;
                return;
            }
        }
    }

    /** Every lease of the chain, outermost first. */
    List<Lease> snapshot() {
        List<Lease> held = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Lease lease = leases[i];
            if (lease != null) {
                held.add(lease);
            }
        }
        return held;
    }
}
