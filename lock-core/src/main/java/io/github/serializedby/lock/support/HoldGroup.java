package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import java.util.ArrayList;
import java.util.List;

/**
 * The leases one {@link StoredLock} backs: one for an exclusive lock; for a shared lock, every local
 * reader that joined it while it was held, until the last one leaves. Guarded by the monitor of its
 * {@link KeyState}.
 */
final class HoldGroup {

    final StoredLock hold;
    final List<Lease> leases = new ArrayList<>(1);
    long nextToken;

    HoldGroup(StoredLock hold) {
        this.hold = hold;
        this.nextToken = hold.token();
    }

    /** Whether another local reader may share this hold: it is held, valid, and has tokens left. */
    boolean joinable() {
        return !leases.isEmpty() && nextToken <= hold.lastToken() && hold.isValid();
    }

    /** Whether the store may let this hold pass to a local waiter as its last lease ends: see {@link StoredLock#mayHandOff}. */
    boolean mayPassOn() {
        return nextToken <= hold.lastToken() && hold.mayHandOff();
    }

    /**
     * Whether the store passes holds on locally at all, so that a release while local writers wait should
     * let other processes go first ({@link StoredLock#releaseToOthers}).
     */
    boolean passesOn() {
        return hold.lastToken() > hold.token();
    }
}
