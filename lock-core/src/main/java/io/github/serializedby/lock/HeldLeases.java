package io.github.serializedby.lock;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The leases a thread's call chain holds, innermost last, each with the executor (its {@link Acquirer})
 * that holds it; used only by its own thread. Re-entry looks only at one executor's leases; {@link
 * HeldLocks#current()} reads them all. A lease can be lent, held by an asynchronous call that runs code
 * on this thread for a while: only calls that finish on this thread may re-enter it; it is recorded under
 * its acquirer's {@link Acquirer#lender} rather than the acquirer itself, so one array says both whose
 * lease it is and whether it is lent. Plain arrays: a chain is rarely more than a few calls deep, and the
 * call that adds a lease is usually the next to remove it.
 */
final class HeldLeases {

    private static final ThreadLocal<HeldLeases> BY_THREAD = ThreadLocal.withInitial(HeldLeases::new);

    private @Nullable Lease[] leases = new Lease[4];
    private @Nullable Object[] owners = new Object[4];
    private int size;

    /** The chain of the current thread. */
    static HeldLeases ofCurrentThread() {
        return BY_THREAD.get();
    }

    /** The lease of {@code owner} for (name, key), lent or not; the outermost when several are. */
    @Nullable
    Lease find(Acquirer owner, String name, String key) {
        return find(owner, name, key, true);
    }

    /** As {@link #find(Acquirer, String, String)}, skipping the lent leases unless {@code includeLent}. */
    @Nullable
    Lease find(Acquirer owner, String name, String key, boolean includeLent) {
        Object lentBy = includeLent ? owner.lender : owner;
        for (int i = 0; i < size; i++) {
            Object heldBy = owners[i];
            Lease lease = leases[i];
            if ((heldBy == owner || heldBy == lentBy) && lease != null) {
                LockRequest request = lease.request();
                if (request.key().equals(key) && request.name().equals(name)) {
                    return lease;
                }
            }
        }
        return null;
    }

    void add(Acquirer owner, Lease lease) {
        add(owner, lease, false);
    }

    /** Adds {@code lease}, lent when an asynchronous call holds it rather than a call on this thread. */
    void add(Acquirer owner, Lease lease, boolean isLent) {
        if (size == leases.length) {
            leases = Arrays.copyOf(leases, size * 2);
            owners = Arrays.copyOf(owners, size * 2);
        }
        owners[size] = isLent ? owner.lender : owner;
        leases[size++] = lease;
    }

    /** Forgets the innermost entry of {@code lease}; it is the innermost of all in the common case. */
    void remove(Lease lease) {
        int last = size - 1;
        for (int i = last; i >= 0; i--) {
            if (leases[i] == lease) {
                if (i < last) {
                    System.arraycopy(leases, i + 1, leases, i, last - i);
                    System.arraycopy(owners, i + 1, owners, i, last - i);
                }
                leases[last] = null;
                owners[last] = null;
                size = last;
                return;
            }
        }
    }

    /** Every lease of the chain, outermost first. */
    List<Lease> snapshot() {
        return List.copyOf(Arrays.asList(leases).subList(0, size));
    }
}
