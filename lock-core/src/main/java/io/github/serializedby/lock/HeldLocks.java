package io.github.serializedby.lock;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Leases held by a call, with their {@linkplain Lease#fencingToken() fencing tokens}: one lease per key
 * of a multi-key call. Code that guards a store with the token reads it here rather than passing it
 * down: {@link #current()} gives what the current thread's calls of a {@link LockExecutor} hold, and a
 * {@code @SerializedBy} method can also declare a parameter of this type (or of type {@link Lease}) that
 * the interceptor fills.
 *
 * <p>The leases belong to the calls that took them: read them, hand them to a {@link LockFence}, but do
 * not release them.
 */
public final class HeldLocks {

    private static final HeldLocks NONE = new HeldLocks(List.of());

    private final List<Lease> leases;

    private HeldLocks(List<Lease> leases) {
        this.leases = leases;
    }

    /** These leases, in the given order. */
    public static HeldLocks of(List<Lease> leases) {
        return leases.isEmpty() ? NONE : new HeldLocks(List.copyOf(leases));
    }

    /**
     * What the calls of every {@link LockExecutor} that the current thread is inside hold, outermost first;
     * empty outside any. A nested call that re-enters a key sees the outer call's lease. Bound to the
     * thread: code that runs later on another thread (a {@code CompletableFuture} continuation, a Reactor
     * operator after a thread switch) sees nothing here and takes the leases from a parameter or, in
     * Reactor, from the subscriber context.
     */
    public static HeldLocks current() {
        return of(HeldLeases.ofCurrentThread().snapshot());
    }

    /** The leases, outermost (or first key) first. */
    public List<Lease> leases() {
        return leases;
    }

    /** Whether no lease is held. */
    public boolean isEmpty() {
        return leases.isEmpty();
    }

    /** The lease for {@code key} of lock {@code name}, or null. */
    public @Nullable Lease find(String name, String key) {
        for (Lease lease : leases) {
            LockRequest request = lease.request();
            if (request.key().equals(key) && request.name().equals(name)) {
                return lease;
            }
        }
        return null;
    }

    /**
     * The one lease for {@code key}, whatever its lock name.
     *
     * @throws IllegalStateException when no lease, or leases of several lock names, hold {@code key}
     */
    public Lease lease(String key) {
        Lease found = null;
        for (Lease lease : leases) {
            if (lease.request().key().equals(key)) {
                if (found != null && found != lease) {
                    throw new IllegalStateException("key '" + key + "' is held under several lock names ("
                            + found.request().name() + ", " + lease.request().name() + "); use find(name, key)");
                }
                found = lease;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no lease holds key '" + key + "' here");
        }
        return found;
    }

    /**
     * The only lease.
     *
     * @throws IllegalStateException when none or several are held; name the key then
     */
    public Lease lease() {
        if (leases.size() != 1) {
            throw new IllegalStateException(
                    leases.isEmpty()
                            ? "no lease is held here"
                            : leases.size() + " leases are held here; use lease(key)");
        }
        return leases.get(0);
    }

    /** The fencing token of {@link #lease(String)}. */
    public long token(String key) {
        return lease(key).fencingToken();
    }

    /** The fencing token of the only lease; see {@link #lease()}. */
    public long token() {
        return lease().fencingToken();
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof HeldLocks held && held.leases.equals(leases);
    }

    @Override
    public int hashCode() {
        return Objects.hash(leases);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("HeldLocks[");
        for (int i = 0; i < leases.size(); i++) {
            LockRequest request = leases.get(i).request();
            text.append(i == 0 ? "" : ", ")
                    .append(request.name())
                    .append(" #")
                    .append(leases.get(i).fencingToken());
        }
        return text.append(']').toString();
    }
}
