package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The queues of a {@link WaitingRoom}, one {@link KeyState} per key, and what serves them: a pump per
 * key on the workers that tries the store for the first waiter, and the leases it grants.
 *
 * <p>Invariant: a state counts every local lease and every attempt in flight as a holder, is in {@code
 * states} exactly while it has a holder, a waiter or a running pump, and is only read or changed while
 * synchronized on it; at most one pump runs per key, and a waiter's future is only completed through
 * {@link #delivery}, never inside a release, so hand-overs never nest. The one exception is a {@linkplain
 * #passOn local hand-off} to a caller blocked on its future: completing it only wakes that caller, and
 * should the caller have left meanwhile, the lease it gives back passes on again inside the release, at
 * most as many times as the store's token block allows.
 *
 * <p>Over 300 lines: the pump, the releases and local hand-offs, the signals and the close all change a
 * key's state under one monitor, and their invariant (above) is checked more easily in one class than
 * across several.
 */
final class KeyQueues<K> {

    private static final System.Logger LOG = System.getLogger(WaitingRoom.class.getName());

    final ConcurrentHashMap<K, KeyState<K>> states = new ConcurrentHashMap<>();
    final LockStore<K> store;
    final Executor workers;
    final Delivery delivery;
    private final ScheduledExecutorService timer;
    private final Duration recheckInterval;
    private final LockListener listener;
    private final WaitBounds bounds;

    /**
     * Set by {@link #close}, before it drains the queues, and read under a key's monitor wherever a waiter
     * is queued: a waiter queued after the drain of its key would never be answered.
     */
    private volatile boolean closed;

    KeyQueues(
            LockStore<K> store,
            Executor workers,
            Delivery delivery,
            ScheduledExecutorService timer,
            Duration recheckInterval,
            LockListener listener,
            WaitBounds bounds) {
        this.store = store;
        this.bounds = bounds;
        this.workers = workers;
        this.delivery = delivery;
        this.timer = timer;
        this.recheckInterval = recheckInterval;
        this.listener = listener;
    }

    /** Asks the store for a lock already counted as a local holder; the caller undoes the count on null. */
    @Nullable
    Lease attemptReserved(KeyState<K> state, LockRequest request, boolean waiting) {
        StoredLock hold = store.tryLock(request, state.key, waiting);
        if (hold == null) {
            return null;
        }
        HoldGroup group = new HoldGroup(hold);
        hold.onLost(() -> reportLost(state, group));
        synchronized (state) {
            if (request.mode() == LockMode.SHARED) {
                state.sharedGroup = group;
            }
            return newLease(state, group, request);
        }
    }

    /**
     * Under the state's monitor, with the reader already counted as a holder: a lease sharing the live
     * shared hold of this JVM, which costs no round trip, or null when there is none to join.
     */
    @Nullable
    Lease joinGroup(KeyState<K> state, LockRequest request) {
        HoldGroup group = state.sharedGroup;
        if (request.mode() != LockMode.SHARED || group == null || !group.joinable()) {
            return null;
        }
        return newLease(state, group, request);
    }

    /**
     * Under the state's monitor, as the last lease of exclusive {@code group} ends while {@code next} is the
     * key's first waiter: passes the group to it, without a store call, under the next token of the group's
     * block. The key stays held here and in the store; the caller hands the grant over outside the monitor.
     */
    Grants passOn(KeyState<K> state, HoldGroup group, Waiter<K> next, long grantedNanos) {
        state.passTo(next);
        state.waiting.released(grantedNanos);
        Grants grants = new Grants();
        grants.add(next, newLease(state, group, next.request));
        return grants;
    }

    private Lease newLease(KeyState<K> state, HoldGroup group, LockRequest request) {
        RoomLease<K> lease = new RoomLease<>(this, state, group, request, group.nextToken++, state.waiting.grantTime());
        group.leases.add(lease);
        return lease;
    }

    /** The one place the room speaks to the listener: every lease of a lost hold, failures contained. */
    private void reportLost(KeyState<K> state, HoldGroup group) {
        List<Lease> lost;
        synchronized (state) {
            lost = List.copyOf(group.leases);
        }
        for (Lease lease : lost) {
            try {
                listener.leaseLost(lease);
            } catch (RuntimeException e) {
                // the loss stands; a failing listener must not stop the others being told, nor a close
                LOG.log(System.Logger.Level.WARNING, "LockListener.leaseLost failed for " + lease.request(), e);
            }
        }
    }

    /** An attempt counted as a holder got no lock (or failed): the count goes, the next may be served. */
    void unreserve(KeyState<K> state, LockRequest request) {
        ended(state, request, false, 0);
    }

    /**
     * Under the state's monitor, when {@code waiter} is about to wait: counts it in the bounds, or refuses
     * it without counting.
     *
     * @throws io.github.serializedby.lock.LockQueueFullException when a bound refuses the waiter
     */
    void admit(KeyState<K> state, Waiter<K> waiter, long remainingNanos) {
        bounds.admit(waiter.request, state.waiting, remainingNanos);
        waiter.counted = true;
    }

    /** The waiter's future completed, however: if the bounds counted it, its slot is free again. */
    void countOut(Waiter<K> waiter) {
        KeyState<K> state = waiter.state;
        synchronized (state) {
            if (waiter.counted) {
                waiter.counted = false;
                state.waiting.leave();
            }
        }
    }

    /**
     * A local lease ended. The next waiter is served by a pump on the workers, never here: this release
     * may run in the continuation of the previous waiter's grant, and serving inline would nest every
     * hand-over of the queue in the one before.
     */
    void released(KeyState<K> state, LockRequest request, long grantedNanos) {
        ended(state, request, true, grantedNanos);
    }

    /**
     * The last local lease of {@code hold} ended: gives the stored lock back, then serves the next waiter.
     * The store's round trip is handed to the workers when this thread must not block (a multi-key
     * reactive acquisition cancelled on an event loop releases the keys it already had there).
     *
     * @param yield whether local writers still wait after the store passed the lock on locally as long as
     *     it allowed: then a process waiting elsewhere takes it first, and the local waiters try again when
     *     its release is signalled, or once the time the store gave has passed
     * @param signalsSeen the key's {@link KeyState#signals} when the release was decided: a signal since
     *     (that process already took the lock and released it) ends the waiters' turn to let others first
     */
    void releaseStored(
            KeyState<K> state,
            StoredLock hold,
            LockRequest request,
            long grantedNanos,
            boolean yield,
            long signalsSeen) {
        Runnable release = () -> {
            long othersFirstNanos = 0;
            try {
                if (yield) {
                    othersFirstNanos = hold.releaseToOthers();
                } else {
                    hold.release();
                }
            } finally {
                ended(state, request, true, grantedNanos, othersFirstNanos, signalsSeen);
            }
        };
        if (!NonBlockingThreads.isCurrentThreadNonBlocking()) {
            release.run();
            return;
        }
        try {
            workers.execute(release);
        } catch (RejectedExecutionException e) {
            // closed: the store's close ended its holds
            released(state, request, grantedNanos);
        }
    }

    private void ended(KeyState<K> state, LockRequest request, boolean release, long grantedNanos) {
        ended(state, request, release, grantedNanos, 0, 0);
    }

    private void ended(
            KeyState<K> state,
            LockRequest request,
            boolean release,
            long grantedNanos,
            long othersFirstNanos,
            long signalsSeen) {
        boolean othersFirst;
        boolean waiters;
        synchronized (state) {
            othersFirst = othersFirstNanos > 0 && state.signals == signalsSeen;
            state.unhold(request.mode());
            if (release) {
                state.signals++;
                state.waiting.released(grantedNanos);
            }
            waiters = state.hasWaiters();
            if (waiters && othersFirst) {
                state.othersFirst = true;
                state.othersFirstUntil = System.nanoTime() + othersFirstNanos;
            }
            retireIfIdle(state);
        }
        if (waiters && othersFirst) {
            scheduleRecheck(state);
        } else if (waiters) {
            schedulePump(state);
        }
    }

    /** A release elsewhere may have freed the key: the first waiter tries again. */
    void signal(K key) {
        KeyState<K> state = states.get(key);
        if (state == null) {
            return;
        }
        boolean pump;
        synchronized (state) {
            state.signals++;
            state.othersFirst = false;
            pump = state.hasWaiters();
        }
        if (pump) {
            schedulePump(state);
        }
    }

    boolean isClosed() {
        return closed;
    }

    void requireOpen(LockRequest request) {
        if (closed) {
            throw closed(request);
        }
    }

    /**
     * Under the state's monitor: queues {@code waiter} at the back ({@code first} false) or, after an
     * attempt that found the lock held, back at the front. False once the room has closed: the caller
     * fails the waiter.
     */
    boolean queue(KeyState<K> state, Waiter<K> waiter, boolean first) {
        if (closed) {
            return false;
        }
        if (first) {
            state.requeueFirst(waiter);
        } else {
            state.enqueue(waiter);
        }
        return true;
    }

    /** A waiter whose future completed without a lease leaves the queue; the next may now be served. */
    void abandon(Waiter<K> waiter) {
        KeyState<K> state = waiter.state;
        boolean pump;
        synchronized (state) {
            boolean wasFirst = state.isFirst(waiter);
            if (!state.remove(waiter)) {
                return;
            }
            pump = wasFirst && state.hasWaiters();
            retireIfIdle(state);
        }
        if (pump) {
            schedulePump(state);
        }
    }

    void schedulePump(KeyState<K> state) {
        try {
            workers.execute(() -> pump(state));
        } catch (RejectedExecutionException e) {
            // closed: the waiters are failed by close()
        }
    }

    void scheduleRecheck(KeyState<K> state) {
        synchronized (state) {
            if (state.recheckScheduled || !state.hasWaiters()) {
                return;
            }
            state.recheckScheduled = true;
        }
        try {
            timer.schedule(
                    () -> {
                        synchronized (state) {
                            state.recheckScheduled = false;
                        }
                        schedulePump(state);
                    },
                    recheckInterval.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Serves the waiters of one key from the front while the store grants them; one pump per key. */
    private void pump(KeyState<K> state) {
        synchronized (state) {
            if (state.pumping) {
                state.pumpAgain = true;
                return;
            }
            state.pumping = true;
        }
        List<Waiter<K>> expired = new ArrayList<>();
        Grants granted = new Grants();
        while (true) {
            Waiter<K> next;
            long signalsBefore;
            synchronized (state) {
                state.pumpAgain = false;
                if (state.lettingOthersFirst()) {
                    state.dropExpired(expired);
                    next = null;
                } else {
                    next = state.pollTryable(expired);
                }
                signalsBefore = state.signals;
                if (next == null) {
                    state.pumping = false;
                    retireIfIdle(state);
                } else {
                    Lease joined = joinGroup(state, next.request);
                    if (joined != null) {
                        granted.add(next, joined);
                        continue;
                    }
                }
            }
            completeEmpty(expired);
            if (next == null) {
                granted.handOver(delivery);
                scheduleRecheck(state);
                return;
            }
            Lease lease;
            try {
                lease = attemptReserved(state, next.request, true);
            } catch (RuntimeException | Error e) {
                synchronized (state) {
                    state.unhold(next.request.mode());
                }
                delivery.fail(next.future, next.direct, e);
                continue;
            }
            if (lease != null) {
                granted.add(next, lease);
                continue;
            }
            boolean again;
            boolean requeued = true;
            synchronized (state) {
                state.unhold(next.request.mode());
                if (next.expired || next.future.isDone()) {
                    expired.add(next);
                    again = true;
                } else if (!queue(state, next, true)) {
                    requeued = false;
                    again = true;
                } else {
                    again = state.pumpAgain || state.signals != signalsBefore;
                }
                if (!again) {
                    state.pumping = false;
                }
            }
            if (!requeued) {
                delivery.fail(next.future, next.direct, closed(next.request));
            }
            if (!again) {
                granted.handOver(delivery);
                scheduleRecheck(state);
                return;
            }
        }
    }

    private void completeEmpty(List<? extends Waiter<?>> expired) {
        for (Waiter<?> waiter : expired) {
            delivery.grant(waiter.future, waiter.direct, Optional.empty());
        }
        expired.clear();
    }

    /** Under the state's monitor: drops an idle state from the map, for good. */
    void retireIfIdle(KeyState<K> state) {
        if (state.isIdle()) {
            state.retired = true;
            states.remove(state.key, state);
        }
    }

    /**
     * Refuses new waiters and fails every waiter queued, through {@link #delivery} like every answer, so
     * that a continuation that blocks on the failure cannot hold up the close.
     */
    void close() {
        closed = true;
        for (KeyState<K> state : states.values()) {
            List<Waiter<K>> waiting;
            synchronized (state) {
                waiting = state.drainWaiters();
            }
            waiting.forEach(waiter -> delivery.fail(waiter.future, waiter.direct, closed(waiter.request)));
        }
    }

    static LockProviderUnavailableException closed(LockRequest request) {
        return new LockProviderUnavailableException(
                request.name(), new IllegalStateException("the lock provider is closed"));
    }
}
