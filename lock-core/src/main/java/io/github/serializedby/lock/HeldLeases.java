package io.github.serializedby.lock;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The leases a thread's call chain holds through one executor; used only by its own thread. */
final class HeldLeases {

    private final List<Lease> leases = new ArrayList<>(2);

    @Nullable
    Lease find(String name, String key) {
        for (int i = 0; i < leases.size(); i++) {
            Lease lease = leases.get(i);
            LockRequest request = lease.request();
            if (request.key().equals(key) && request.name().equals(name)) {
                return lease;
            }
        }
        return null;
    }

    void add(Lease lease) {
        leases.add(lease);
    }

    void remove(Lease lease) {
        for (int i = leases.size() - 1; i >= 0; i--) {
            if (leases.get(i) == lease) {
                leases.remove(i);
                return;
            }
        }
    }
}
