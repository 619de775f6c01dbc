package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Leases a pump has won, handed to their waiters together when it stops, so that readers granted in one
 * burst start together rather than one store round trip apart. Used by one pump at a time.
 */
final class Grants {

    private final List<Waiter<?>> waiters = new ArrayList<>(1);
    private final List<Lease> leases = new ArrayList<>(1);

    void add(Waiter<?> waiter, Lease lease) {
        waiters.add(waiter);
        leases.add(lease);
    }

    /** Completes the waiters' futures; a waiter that left meanwhile gives its lease back. */
    void handOver(Delivery delivery) {
        for (int i = 0; i < waiters.size(); i++) {
            Waiter<?> waiter = waiters.get(i);
            delivery.grant(waiter.future, waiter.direct, Optional.of(leases.get(i)));
        }
        waiters.clear();
        leases.clear();
    }
}
