package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * A lease of the {@link InMemoryLockProvider}. One taken without contention is itself the key's entry in
 * the table, and its release is removing it; when readers or waiters arrive, a {@link KeyState} takes its
 * place and counts it. Invariant: it is released exactly once, by whichever caller first removes it from
 * the table or flips its flag.
 */
class MemoryLease extends KeyEntry implements Lease {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(MemoryLease.class, "released", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The provider whose table and states the lease leaves on release. */
    private final InMemoryLockProvider provider;

    private final LockRequest request;
    /** The state that counts this lease; null while it is, or was, the key's entry. */
    private final @Nullable KeyState state;
    /** Set once, right after the lease entered the table or its state, so that tokens follow grants. */
    long token;

    private volatile int released;

    MemoryLease(InMemoryLockProvider provider, LockRequest request, int hash, @Nullable KeyState state) {
        super(hash);
        this.provider = provider;
        this.request = request;
        this.state = state;
    }

    @Override
    String name() {
        return request.name();
    }

    @Override
    String key() {
        return request.key();
    }

    @Override
    public LockRequest request() {
        return request;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public boolean isValid() {
        return released == 0;
    }

    /**
     * Exactly once, from any thread: a sole holder leaves the table with one compare-and-set, which
     * only one caller can win; otherwise the flag decides, and the holder leaves the state that counts
     * it, which for a promoted sole holder is the state that took its place.
     */
    @Override
    public void release() {
        if (released != 0) {
            return;
        }
        if (state == null && provider.states.remove(this)) {
            RELEASED.setRelease(this, 1);
            return;
        }
        if (!RELEASED.compareAndSet(this, 0, 1)) {
            return;
        }
        KeyState counting = state != null ? state : promotedState();
        if (counting != null) {
            provider.releaseHolder(counting, request.mode(), grantedNanos());
        }
    }

    /** When a waiter was granted this lease, for the key's recent hold time; 0 when nobody waited. */
    long grantedNanos() {
        return 0;
    }

    /** The state that took this sole holder's place; null if this lease already left the table. */
    private @Nullable KeyState promotedState() {
        KeyEntry entry = provider.states.get(request.name(), request.key(), hash);
        return entry instanceof KeyState promoted && promoted.promotedFrom == this ? promoted : null;
    }

    @Override
    public String toString() {
        return "MemoryLease[" + request + ", token=" + token + ", valid=" + isValid() + "]";
    }

    /**
     * A lease granted to a waiter, which carries its grant time; a separate class so that the lease of an
     * uncontended call, which nobody waited for, stays as small as it can be.
     */
    static final class Granted extends MemoryLease {

        private final long grantedNanos;

        Granted(InMemoryLockProvider provider, LockRequest request, KeyState state, long grantedNanos) {
            super(provider, request, state.hash, state);
            this.grantedNanos = grantedNanos;
        }

        @Override
        long grantedNanos() {
            return grantedNanos;
        }
    }
}
