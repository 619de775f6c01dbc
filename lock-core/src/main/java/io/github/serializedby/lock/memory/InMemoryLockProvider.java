package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Locks within one JVM, exactly per key: different keys never block each other.
 *
 * <p>Invariant: a key's {@link KeyState} records one exclusive holder or any number of shared holders,
 * never both, and is in the map exactly while it has a holder or a waiter; it is only read or changed
 * while synchronized on it.
 *
 * <p>Within a key, waiters are served first come, first served; a new request never overtakes a waiter,
 * so a waiting exclusive request is not starved by a stream of shared ones. Waits end at their deadline
 * through a timer, without a parked thread or polling. Leases never expire; fencing tokens come from one
 * counter for the whole provider, so they increase for every key.
 */
public final class InMemoryLockProvider implements LockProvider {

    private final ConcurrentHashMap<LockId, KeyState> states = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        LockId id = new LockId(request.name(), request.key());
        while (true) {
            KeyState state = states.computeIfAbsent(id, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                if (!state.canGrantNow(request.mode())) {
                    return Optional.empty();
                }
                return Optional.of(grant(state, request));
            }
        }
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        if (maxWait.isZero() || maxWait.isNegative()) {
            return CompletableFuture.completedFuture(tryAcquire(request));
        }
        LockId id = new LockId(request.name(), request.key());
        Waiter waiter;
        while (true) {
            KeyState state = states.computeIfAbsent(id, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                if (state.canGrantNow(request.mode())) {
                    return CompletableFuture.completedFuture(Optional.of(grant(state, request)));
                }
                waiter = new Waiter(request, state);
                state.enqueue(waiter);
                break;
            }
        }
        Waiter enqueued = waiter;
        enqueued.future.whenComplete((granted, failure) -> {
            if (granted == null || granted.isEmpty()) {
                abandon(enqueued);
            }
        });
        enqueued.future.completeOnTimeout(Optional.empty(), saturatedNanos(maxWait), TimeUnit.NANOSECONDS);
        return enqueued.future;
    }

    /** How many keys are held or waited for now; zero when the provider is idle. */
    public int activeKeyCount() {
        return states.size();
    }

    private MemoryLease grant(KeyState state, LockRequest request) {
        state.hold(request.mode());
        return new MemoryLease(request, tokens.incrementAndGet(), state);
    }

    private void releaseHolder(MemoryLease lease) {
        KeyState state = lease.state;
        List<Waiter> next;
        List<MemoryLease> granted;
        synchronized (state) {
            state.unhold(lease.request().mode());
            next = state.pollGrantable();
            granted = grantAll(state, next);
            retireIfIdle(state);
        }
        handOver(next, granted);
    }

    private void abandon(Waiter waiter) {
        KeyState state = waiter.state;
        List<Waiter> next;
        List<MemoryLease> granted;
        synchronized (state) {
            if (!state.remove(waiter)) {
                return;
            }
            next = state.pollGrantable();
            granted = grantAll(state, next);
            retireIfIdle(state);
        }
        handOver(next, granted);
    }

    private List<MemoryLease> grantAll(KeyState state, List<Waiter> waiters) {
        if (waiters.isEmpty()) {
            return List.of();
        }
        if (waiters.size() == 1) {
            return List.of(new MemoryLease(waiters.get(0).request, tokens.incrementAndGet(), state));
        }
        return waiters.stream()
                .map(waiter -> new MemoryLease(waiter.request, tokens.incrementAndGet(), state))
                .toList();
    }

    /** Completes the waiters' futures outside the key's monitor; a waiter that left meanwhile gives it back. */
    private static void handOver(List<Waiter> waiters, List<MemoryLease> leases) {
        for (int i = 0; i < waiters.size(); i++) {
            MemoryLease lease = leases.get(i);
            if (!waiters.get(i).future.complete(Optional.of(lease))) {
                lease.release();
            }
        }
    }

    private void retireIfIdle(KeyState state) {
        if (state.isIdle()) {
            state.retired = true;
            states.remove(state.id, state);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "InMemoryLockProvider[activeKeys=" + states.size() + "]";
    }

    private final class MemoryLease extends AbstractLease {

        private final KeyState state;

        MemoryLease(LockRequest request, long fencingToken, KeyState state) {
            super(request, fencingToken);
            this.state = state;
        }

        @Override
        protected void doRelease() {
            releaseHolder(this);
        }
    }
}
