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
}
