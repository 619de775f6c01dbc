package io.github.serializedby.spring.actuate;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.LeaseFutures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks this application instance holds now and the callers waiting for them, for the {@code locks}
 * endpoint. It sees what passes through {@link #track(LockProvider)}: locks held by other instances of
 * a distributed provider are not listed.
 *
 * <p>Invariant: a lease is in {@code held} from its grant until its release, and a (name, key) is in
 * {@code waiting} exactly while at least one caller waits for it.
 */
public final class LockActivity {

    /**
     * A lock held now.
     *
     * @param name the lock name
     * @param key the key
     * @param mode exclusive or shared
     * @param heldSince when it was granted
     * @param fencingToken the lease's token
     */
    public record HeldLock(String name, String key, LockMode mode, Instant heldSince, long fencingToken) {}

    private record LockId(String name, String key) {}

    private final Set<TrackedLease> held = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<LockId, Integer> waiting = new ConcurrentHashMap<>();
    private final Clock clock;

    public LockActivity(Clock clock) {
        this.clock = clock;
    }

    /** A provider that records in this activity what passes through it. */
    public LockProvider track(LockProvider provider) {
        return new ForwardingLockProvider(provider) {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                return delegate().tryAcquire(request).map(LockActivity.this::held);
            }

            @Override
            public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
                LockId id = startWaiting(request);
                try {
                    return delegate().acquireBlocking(request, maxWait).map(LockActivity.this::held);
                } finally {
                    stopWaiting(id);
                }
            }

            @Override
            public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                LockId id = startWaiting(request);
                CompletableFuture<Optional<Lease>> pending;
                try {
                    pending = delegate().acquire(request, maxWait);
                } catch (RuntimeException | Error e) {
                    stopWaiting(id);
                    throw e;
                }
                pending.whenComplete((granted, failure) -> stopWaiting(id));
                return LeaseFutures.decorate(pending, LockActivity.this::held);
            }
        };
    }

    /** The locks held now, oldest first. */
    public List<HeldLock> held() {
        List<HeldLock> locks = new ArrayList<>();
        for (TrackedLease lease : held) {
            LockRequest request = lease.request();
            locks.add(new HeldLock(request.name(), request.key(), request.mode(), lease.since, lease.fencingToken()));
        }
        locks.sort(Comparator.comparing(HeldLock::heldSince));
        return locks;
    }

    /** How many callers wait for (name, key) now. */
    public int waiting(String name, String key) {
        return waiting.getOrDefault(new LockId(name, key), 0);
    }

    /** Releases every lease on (name, key) held through this activity; returns how many there were. */
    public int forceRelease(String name, String key) {
        int released = 0;
        for (TrackedLease lease : held) {
            if (lease.request().name().equals(name) && lease.request().key().equals(key)) {
                lease.release();
                released++;
            }
        }
        return released;
    }

    private Lease held(Lease lease) {
        TrackedLease tracked = new TrackedLease(lease, clock.instant());
        held.add(tracked);
        return tracked;
    }

    private LockId startWaiting(LockRequest request) {
        LockId id = new LockId(request.name(), request.key());
        waiting.merge(id, 1, Integer::sum);
        return id;
    }

    private void stopWaiting(LockId id) {
        waiting.computeIfPresent(id, (key, count) -> count == 1 ? null : count - 1);
    }

    private final class TrackedLease extends AbstractLease {

        private final Lease delegate;
        private final Instant since;

        TrackedLease(Lease delegate, Instant since) {
            super(delegate.request(), delegate.fencingToken());
            this.delegate = delegate;
            this.since = since;
        }

        @Override
        public boolean isValid() {
            return super.isValid() && delegate.isValid();
        }

        @Override
        protected void doRelease() {
            held.remove(this);
            delegate.release();
        }
    }
}
