package io.github.serializedby.lock.support;

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

    @Override
    protected void doRelease() {
        boolean last;
        synchronized (state) {
            group.leases.remove(this);
            last = group.leases.isEmpty();
            if (last && state.sharedGroup == group) {
                state.sharedGroup = null;
            }
        }
        if (last) {
            queues.releaseStored(state, group.hold, request(), grantedNanos);
        } else {
            queues.released(state, request(), grantedNanos);
        }
    }
}
