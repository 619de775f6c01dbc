package io.github.serializedby.lock.support;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;

/**
 * A lease of a {@link WaitingRoom}: one share of a {@link HoldGroup}, counted as a local holder of its
 * key until released. The last lease of a group gives the stored lock back.
 */
final class RoomLease<K> extends AbstractLease {

    private final KeyQueues<K> queues;
    private final KeyState<K> state;
    private final HoldGroup group;
    /** When the lease was granted if the key had waiters then, else 0: see {@link KeyWaiters#grantTime}. */
    private final long grantedNanos;

    RoomLease(
            KeyQueues<K> queues,
            KeyState<K> state,
            HoldGroup group,
            LockRequest request,
            long token,
            long grantedNanos) {
        super(request, token);
        this.queues = queues;
        this.state = state;
        this.group = group;
        this.grantedNanos = grantedNanos;
    }

    @Override
    public boolean isValid() {
        return super.isValid() && group.hold.isValid();
    }

    /**
     * Leaves the group; the last lease of an exclusive group passes it to the key's first local waiter when
     * the store allows it ({@link KeyQueues#passOn}), else gives the stored lock back.
     */
    @Override
    protected void doRelease() {
        boolean last;
        boolean writerWaits = false;
        long signalsSeen;
        Grants passed = null;
        synchronized (state) {
            group.leases.remove(this);
            last = group.leases.isEmpty();
            signalsSeen = state.signals;
            if (last && state.sharedGroup == group) {
                state.sharedGroup = null;
            }
            if (last && request().mode() == LockMode.EXCLUSIVE) {
                Waiter<K> next = state.firstWriter();
                writerWaits = next != null;
                if (next != null && group.mayPassOn()) {
                    passed = queues.passOn(state, group, next, grantedNanos);
                }
            }
        }
        if (passed != null) {
            passed.handOver(queues.delivery);
        } else if (last) {
            queues.releaseStored(
                    state, group.hold, request(), grantedNanos, writerWaits && group.passesOn(), signalsSeen);
        } else {
            queues.released(state, request(), grantedNanos);
        }
    }
}
