package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.WaitBounds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Locks within one JVM, exactly per key: different keys never block each other.
 *
 * <p>Without contention, an exclusive lease is itself the key's entry in a {@link KeyTable}: locking is
 * one compare-and-set that puts it there, releasing is one that takes it out, and nothing else is kept.
 * When readers or waiters arrive, a {@link KeyState} takes the entry's place (or is created for them)
 * and counts one exclusive holder or any number of shared holders, never both; it stays in the table
 * exactly while it has a holder or a waiter (a retired state may linger an instant, and whoever meets it
 * removes it).
 *
 * <p>Within a key, waiters are served first come, first served; a newcomer never overtakes a waiter, so a
 * waiting exclusive request is not starved by a stream of shared ones. Waits end at their deadline
 * through a shared timer (or the blocking caller's timed park), without polling. The releasing thread
 * hands the key over, through {@link HandOvers}: waiters whose continuations release in turn are served
 * one after the other, never one inside the other. Leases never expire;
 * fencing tokens come from one counter for the whole provider, drawn after each grant, so they increase
 * for every key. The counter starts at the wall clock's time in nanoseconds since the epoch, so that a
 * provider of a restarted application draws larger tokens than its predecessor did (a fence that stored
 * them, a database table, would otherwise refuse every call after a restart): a provider would have to
 * draw more than one token per nanosecond for its successor to start below its last one. A caller about to wait is first admitted by the {@link WaitBounds} (never one that takes a
 * free key), and leaves its count when it leaves the queue, granted or not.
 *
 * <p>Over 300 lines: granting, queueing and handing over change one key's state together, and the
 * lock-free fast path and the monitor-guarded slow path are checked more easily side by side.
 */
public final class InMemoryLockProvider implements LockProvider {

    /**
     * How long a blocking waiter spins before it parks: a short critical section hands the lock over
     * before the waiter would have parked, saving a park and an unpark (as {@code ReentrantLock} does).
     */
    private static final int SPINS_BEFORE_PARKING = 256;

    /**
     * Buckets of the key table: enough that the requests in flight in a busy application rarely share
     * one, small enough (16 KiB) to cost nothing when idle.
     */
    private static final int BUCKETS = 1 << 12;

    final KeyTable states;
    private final AtomicLong tokens = new AtomicLong(nanosSinceEpoch());
    private final WaitBounds bounds;

    /** A provider for any number of keys, whose callers may all wait. */
    public InMemoryLockProvider() {
        this(WaitBounds.unbounded());
    }

    /** A provider for any number of keys whose waiting {@code bounds} limits. */
    public InMemoryLockProvider(WaitBounds bounds) {
        this(BUCKETS, bounds);
    }

    /** A provider with a table of {@code buckets} buckets; few buckets make keys share them (for tests). */
    InMemoryLockProvider(int buckets, WaitBounds bounds) {
        this.states = new KeyTable(buckets);
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        String name = request.name();
        String key = request.key();
        int hash = KeyTable.hash(name, key);
        while (true) {
            KeyEntry entry = states.get(name, key, hash);
            if (entry == null) {
                Lease created = request.mode() == LockMode.EXCLUSIVE
                        ? insertSoleHolder(request, hash)
                        : insertState(request, hash);
                if (created != null) {
                    return Optional.of(created);
                }
            } else if (!(entry instanceof KeyState state)) {
                return Optional.empty();
            } else {
                int value = state.state();
                if (KeyState.isRetired(value)) {
                    states.remove(state);
                } else if (!KeyState.grantableNow(value, request.mode())) {
                    return Optional.empty();
                } else if (state.compareAndSet(value, value + KeyState.unit(request.mode()))) {
                    return Optional.of(lease(request, state));
                }
            }
        }
    }

    /** The common case: an exclusive lease that is itself the key's entry; null when another came first. */
    private @Nullable Lease insertSoleHolder(LockRequest request, int hash) {
        MemoryLease lease = new MemoryLease(this, request, hash, null);
        return states.putIfAbsent(lease) == null ? withToken(lease) : null;
    }

    private @Nullable Lease insertState(LockRequest request, int hash) {
        KeyState created = new KeyState(request.name(), request.key(), hash, request.mode());
        return states.putIfAbsent(created) == null ? lease(request, created) : null;
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        Object outcome;
        try {
            outcome = grantOrEnqueue(request, maxWait, false);
        } catch (LockQueueFullException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!(outcome instanceof Waiter waiter)) {
            return CompletableFuture.completedFuture(grantedOrEmpty(outcome));
        }
        waiter.future.whenComplete((granted, failure) -> {
            if (granted == null || granted.isEmpty()) {
                abandon(waiter);
            }
            waiter.cancelTimeout();
        });
        waiter.scheduleTimeout(() -> expire(waiter), saturatedNanos(maxWait));
        return waiter.future;
    }

    /** Waits by parking the calling thread with a timeout, so that no timer task is scheduled. */
    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        Object outcome = grantOrEnqueue(request, maxWait, true);
        if (!(outcome instanceof Waiter waiter)) {
            return grantedOrEmpty(outcome);
        }
        for (int spin = 0; spin < SPINS_BEFORE_PARKING && !waiter.future.isDone(); spin++) {
            Thread.onSpinWait();
        }
        try {
            return waiter.future.get(saturatedNanos(maxWait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (waiter.future.complete(Optional.empty())) {
                abandon(waiter);
            }
            return waiter.future.join();
        } catch (InterruptedException e) {
            if (waiter.future.cancel(false)) {
                abandon(waiter);
            } else {
                waiter.future.join().ifPresent(Lease::release);
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("An in-memory wait cannot fail", e);
        }
    }

    /** How many keys are held or waited for now; zero when the provider is idle. */
    public int activeKeyCount() {
        return states.size();
    }

    /**
     * A lease, an empty optional (no wait allowed), or the queued {@link Waiter}.
     *
     * @throws LockQueueFullException when the caller would wait and a bound of {@link WaitBounds} refuses it
     * @param blocking whether the caller parks its thread on the waiter's future rather than chaining on it
     */
    private Object grantOrEnqueue(LockRequest request, Duration maxWait, boolean blocking) {
        int hash = KeyTable.hash(request.name(), request.key());
        int unit = KeyState.unit(request.mode());
        while (true) {
            Optional<Lease> now = tryAcquire(request);
            if (now.isPresent() || maxWait.isZero() || maxWait.isNegative()) {
                return now;
            }
            KeyEntry entry = states.get(request.name(), request.key(), hash);
            if (entry == null) {
                continue;
            }
            KeyState state;
            if (entry instanceof KeyState existing) {
                state = existing;
            } else {
                state = KeyState.promoting((Lease) entry, hash);
                if (!states.replace(entry, state)) {
                    continue;
                }
            }
            synchronized (state) {
                while (true) {
                    int value = state.state();
                    if (KeyState.isRetired(value)) {
                        states.remove(state);
                        break;
                    }
                    if (KeyState.grantableNow(value, request.mode())) {
                        if (state.compareAndSet(value, value + unit)) {
                            return Optional.of(lease(request, state));
                        }
                        continue;
                    }
                    bounds.admit(request, state.waiters, saturatedNanos(maxWait));
                    Waiter waiter = new Waiter(request, state, blocking);
                    if (state.enqueue(waiter, value)) {
                        return waiter;
                    }
                    state.waiters.leave();
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Optional<Lease> grantedOrEmpty(Object outcome) {
        return (Optional<Lease>) outcome;
    }

    /** A lease counted in {@code state}, which the caller has just updated. */
    private MemoryLease lease(LockRequest request, KeyState state) {
        return withToken(new MemoryLease(this, request, state.hash, state));
    }

    private static long nanosSinceEpoch() {
        Instant now = Instant.now();
        return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
    }

    /** Draws the token of a lease just granted: after the grant, so that tokens follow grants. */
    private MemoryLease withToken(MemoryLease lease) {
        lease.token = tokens.incrementAndGet();
        return lease;
    }

    /** Takes a released holder of {@code mode} out of the state that counts it. */
    void releaseHolder(KeyState state, LockMode mode, long grantedNanos) {
        int unit = KeyState.unit(mode);
        while (true) {
            int value = state.state();
            if (KeyState.isQueued(value)) {
                releaseWithWaiters(state, mode, grantedNanos);
                return;
            }
            int next = value - unit;
            if (next == 0) {
                if (state.compareAndSet(value, KeyState.RETIRED)) {
                    states.remove(state);
                    return;
                }
            } else if (state.compareAndSet(value, next)) {
                return;
            }
        }
    }

    private void releaseWithWaiters(KeyState state, LockMode mode, long grantedNanos) {
        List<Waiter> next;
        List<MemoryLease> granted;
        synchronized (state) {
            state.waiters.released(grantedNanos);
            state.unhold(mode);
            next = state.pollGrantable();
            granted = leases(next, state);
            retireIfIdle(state);
        }
        HandOvers.handOver(next, granted);
    }

    /** Ends a wait at its deadline: the waiter leaves the queue first, then its caller hears of it. */
    private void expire(Waiter waiter) {
        if (abandon(waiter)) {
            waiter.future.complete(Optional.empty());
        }
    }

    /** Takes a waiter out of the queue; false when it had left already (granted, expired or cancelled). */
    private boolean abandon(Waiter waiter) {
        KeyState state = waiter.state;
        List<Waiter> next;
        List<MemoryLease> granted;
        synchronized (state) {
            if (!state.remove(waiter)) {
                return false;
            }
            state.waiters.leave();
            next = state.pollGrantable();
            granted = leases(next, state);
            retireIfIdle(state);
        }
        HandOvers.handOver(next, granted);
        return true;
    }

    private List<MemoryLease> leases(List<Waiter> waiters, KeyState state) {
        if (waiters.isEmpty()) {
            return List.of();
        }
        long grantedNanos = System.nanoTime();
        return waiters.stream()
                .map(waiter -> {
                    state.waiters.leave();
                    return withToken(new MemoryLease.Granted(this, waiter.request, state, grantedNanos));
                })
                .toList();
    }

    private void retireIfIdle(KeyState state) {
        if (state.retireIfIdle()) {
            states.remove(state);
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
}
