package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The JVM-side half of a database lock provider: callers that must wait do so here, in a queue per lock
 * id, and the database is asked again only when there is a reason to expect a different answer.
 *
 * <p>Invariant: a {@link KeyState} counts every local lease and every attempt in flight as a holder,
 * is in the map exactly while it has a holder, a waiter or a running pump, and is only read or changed
 * while synchronized on it; the database, not this bookkeeping, decides who holds a lock.
 *
 * <p>Within one JVM, waiters are served first come, first served, and a newcomer never overtakes a
 * waiter, so a waiting writer is not starved by later readers. No thread is parked per waiter: a waiter
 * is a future, and a pump (one at a time per key, on the worker executor) tries the database for the
 * first waiter when a local holder releases, when the store signals a release elsewhere, every {@code
 * recheckInterval} while someone waits, and once more when a waiter's time runs out.
 *
 * <p>Readers of one JVM share one shared hold of the database while it lasts: a reader arriving while
 * another holds the key shared (and nobody waits) joins it without a round trip, taking the next token of
 * the block the database counted out with the hold. The hold is released with its last reader.
 */
final class WaitingRoom {

    private static final System.Logger LOG = System.getLogger(WaitingRoom.class.getName());

    private final ConcurrentHashMap<Long, KeyState> states = new ConcurrentHashMap<>();
    private final LockStore store;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final Duration recheckInterval;
    private final LockListener listener;

    /** This room for blocking callers: the first attempt of its {@code acquire} runs on the caller. */
    private final LockProvider firstAttemptOnCaller = new LockProvider() {
        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            return WaitingRoom.this.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            return WaitingRoom.this.acquire(request, maxWait, true);
        }
    };

    WaitingRoom(
            LockStore store,
            Executor workers,
            ScheduledExecutorService timer,
            Duration recheckInterval,
            LockListener listener) {
        this.store = store;
        this.listener = listener;
        this.workers = workers;
        this.timer = timer;
        this.recheckInterval = recheckInterval;
    }

    Optional<Lease> tryAcquire(LockRequest request) {
        long id = LockIds.of(request);
        KeyState state;
        while (true) {
            state = states.computeIfAbsent(id, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                if (!state.canTryNow(request.mode())) {
                    return Optional.empty();
                }
                state.hold(request.mode());
                Lease joined = joinGroup(state, request);
                if (joined != null) {
                    return Optional.of(joined);
                }
                break;
            }
        }
        Lease lease;
        try {
            lease = attemptReserved(state, request, false);
        } catch (RuntimeException | Error e) {
            unreserve(state, request);
            throw e;
        }
        if (lease == null) {
            unreserve(state, request);
            return Optional.empty();
        }
        return Optional.of(lease);
    }

    /**
     * Waits for the lock without a database call on the caller's thread, which may be an event loop: every
     * attempt, and the marking of the waiter, runs on the workers.
     */
    CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        return acquire(request, maxWait, false);
    }

    /**
     * This room as a provider for callers that block anyway: its {@code acquire} makes the first attempt on
     * the caller's thread, sparing the uncontended case a hand-over to a worker.
     */
    LockProvider firstAttemptOnCaller() {
        return firstAttemptOnCaller;
    }

    private CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait, boolean onCaller) {
        if (maxWait.isZero() || maxWait.isNegative()) {
            return onCaller ? tryHere(request) : tryOnWorker(request);
        }
        long id = LockIds.of(request);
        long start = System.nanoTime();
        Waiter waiter;
        long signalsBefore;
        boolean reserved;
        while (true) {
            KeyState state = states.computeIfAbsent(id, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                waiter = new Waiter(request, state);
                signalsBefore = state.signals;
                reserved = state.canTryNow(request.mode());
                if (reserved) {
                    state.hold(request.mode());
                    Lease joined = joinGroup(state, request);
                    if (joined != null) {
                        return CompletableFuture.completedFuture(Optional.of(joined));
                    }
                } else {
                    state.enqueue(waiter);
                }
                break;
            }
        }
        Waiter entering = waiter;
        boolean tryFirst = reserved;
        long signalsSeen = signalsBefore;
        Runnable enter = () -> enter(entering, tryFirst, signalsSeen, maxWait.minusNanos(System.nanoTime() - start));
        if (onCaller) {
            enter.run();
            return waiter.future;
        }
        waiter.future.whenComplete((granted, failure) -> {
            if ((granted == null || granted.isEmpty()) && entering.claimEntry()) {
                leaveBeforeEntering(entering, tryFirst);
            }
        });
        try {
            workers.execute(enter);
        } catch (RejectedExecutionException e) {
            waiter.future.completeExceptionally(closed(request));
        }
        return waiter.future;
    }

    /**
     * A waiter cancelled (or failed) before a worker let it in gives back at once, on the cancelling
     * thread and without a database call, what it took under the monitor: its place as a holder or in
     * the queue. The key is then free for the caller's next try, as if the waiter had never come.
     */
    private void leaveBeforeEntering(Waiter waiter, boolean reserved) {
        if (reserved) {
            unreserve(waiter.state, waiter.request);
        } else {
            abandon(waiter);
        }
    }

    /**
     * Lets a new waiter in: makes its first attempt if it could try at once ({@code reserved}), else, or
     * if the attempt finds the lock held, marks the id as waited for and arms the waiter's deadline.
     */
    private void enter(Waiter waiter, boolean reserved, long signalsBefore, Duration remaining) {
        if (!waiter.claimEntry()) {
            return;
        }
        KeyState state = waiter.state;
        LockRequest request = waiter.request;
        boolean pumpNow = false;
        if (reserved) {
            Lease lease;
            try {
                lease = attemptReserved(state, request, true);
            } catch (RuntimeException | Error e) {
                unreserve(state, request);
                waiter.future.completeExceptionally(e);
                return;
            }
            if (lease != null) {
                if (!waiter.future.complete(Optional.of(lease))) {
                    lease.release();
                }
                return;
            }
            synchronized (state) {
                state.unhold(request.mode());
                state.requeueFirst(waiter);
                pumpNow = state.signals != signalsBefore;
            }
        }
        pumpNow |= store.startWaiting(state.id);
        arm(waiter, remaining);
        if (pumpNow) {
            schedulePump(state);
        } else {
            scheduleRecheck(state);
        }
    }

    private CompletableFuture<Optional<Lease>> tryHere(LockRequest request) {
        try {
            return CompletableFuture.completedFuture(tryAcquire(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Optional<Lease>> tryOnWorker(LockRequest request) {
        CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    Optional<Lease> lease = tryAcquire(request);
                    if (!result.complete(lease)) {
                        lease.ifPresent(Lease::release);
                    }
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(closed(request));
        }
        return result;
    }

    /** A release happened elsewhere (another process) for this id: the first waiter may try again. */
    void signal(long id) {
        KeyState state = states.get(id);
        if (state == null) {
            return;
        }
        boolean pump;
        synchronized (state) {
            state.signals++;
            pump = state.hasWaiters();
        }
        if (pump) {
            schedulePump(state);
        }
    }

    /** Something changed for every id (a connection came back, a notification may have been missed). */
    void signalAll() {
        states.keySet().forEach(this::signal);
    }

    /** How many lock ids this JVM holds or waits for now; zero when idle. */
    int activeKeyCount() {
        return states.size();
    }

    /** Asks the store for a lock already counted as a local holder; the caller undoes the count on null. */
    private @Nullable Lease attemptReserved(KeyState state, LockRequest request, boolean waiting) {
        Hold hold = store.tryLock(request, state.id, waiting);
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
    private @Nullable Lease joinGroup(KeyState state, LockRequest request) {
        HoldGroup group = state.sharedGroup;
        if (request.mode() != LockMode.SHARED || group == null || !group.joinable()) {
            return null;
        }
        return newLease(state, group, request);
    }

    private Lease newLease(KeyState state, HoldGroup group, LockRequest request) {
        JdbcLease lease = new JdbcLease(request, group.nextToken++, group, state);
        group.leases.add(lease);
        return lease;
    }

    private void reportLost(KeyState state, HoldGroup group) {
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

    private void unreserve(KeyState state, LockRequest request) {
        boolean pump;
        synchronized (state) {
            state.unhold(request.mode());
            pump = state.hasWaiters();
            retireIfIdle(state);
        }
        if (pump) {
            schedulePump(state);
        }
    }

    /**
     * A local lease ended. The next waiter is served by a pump on the executor, never here: this release
     * may run in the continuation of the previous waiter's grant, and serving inline would nest every
     * hand-over of the queue in the one before.
     */
    private void released(KeyState state, LockRequest request) {
        boolean pump;
        synchronized (state) {
            state.unhold(request.mode());
            state.signals++;
            pump = state.hasWaiters();
            retireIfIdle(state);
        }
        if (pump) {
            schedulePump(state);
        }
    }

    private void arm(Waiter waiter, Duration remaining) {
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(
                    () -> {
                        waiter.expired = true;
                        schedulePump(waiter.state);
                    },
                    Math.max(0, saturatedNanos(remaining)),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            waiter.future.completeExceptionally(closed(waiter.request));
            deadline = null;
        }
        ScheduledFuture<?> timeout = deadline;
        waiter.future.whenComplete((granted, failure) -> {
            if (timeout != null) {
                timeout.cancel(false);
            }
            stopWaiting(waiter.state.id);
            if (granted == null || granted.isEmpty()) {
                abandon(waiter);
            }
        });
    }

    private void stopWaiting(long id) {
        try {
            workers.execute(() -> store.stopWaiting(id));
        } catch (RejectedExecutionException e) {
            // closed: the store drops its markers with its sessions
        }
    }

    private static LockProviderUnavailableException closed(LockRequest request) {
        return new LockProviderUnavailableException(
                request.name(), new IllegalStateException("the lock provider is closed"));
    }

    /** A waiter whose future completed without a lease leaves the queue; the next may now be served. */
    private void abandon(Waiter waiter) {
        KeyState state = waiter.state;
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

    private void schedulePump(KeyState state) {
        try {
            workers.execute(() -> pump(state));
        } catch (RejectedExecutionException e) {
            // closed: the waiters are failed by close()
        }
    }

    private void scheduleRecheck(KeyState state) {
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

    /** Serves the waiters of one key from the front while the database grants them; one pump per key. */
    private void pump(KeyState state) {
        synchronized (state) {
            if (state.pumping) {
                state.pumpAgain = true;
                return;
            }
            state.pumping = true;
        }
        List<Waiter> expired = new ArrayList<>();
        Grants granted = new Grants();
        while (true) {
            Waiter next;
            long signalsBefore;
            synchronized (state) {
                state.pumpAgain = false;
                next = state.pollTryable(expired);
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
                granted.handOver();
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
                next.future.completeExceptionally(e);
                continue;
            }
            if (lease != null) {
                granted.add(next, lease);
                continue;
            }
            boolean again;
            synchronized (state) {
                state.unhold(next.request.mode());
                if (next.expired || next.future.isDone()) {
                    expired.add(next);
                    again = true;
                } else {
                    state.requeueFirst(next);
                    again = state.pumpAgain || state.signals != signalsBefore;
                }
                if (!again) {
                    state.pumping = false;
                }
            }
            if (!again) {
                granted.handOver();
                scheduleRecheck(state);
                return;
            }
        }
    }

    /**
     * Leases a pump has won, handed to their waiters together when it stops, so that readers granted in
     * one burst start together rather than one database round trip apart.
     */
    private static final class Grants {

        private final List<Waiter> waiters = new ArrayList<>(1);
        private final List<Lease> leases = new ArrayList<>(1);

        void add(Waiter waiter, Lease lease) {
            waiters.add(waiter);
            leases.add(lease);
        }

        /** Completes the waiters' futures; a waiter that left meanwhile gives its lease back. */
        void handOver() {
            for (int i = 0; i < waiters.size(); i++) {
                Lease lease = leases.get(i);
                if (!waiters.get(i).future.complete(Optional.of(lease))) {
                    lease.release();
                }
            }
            waiters.clear();
            leases.clear();
        }
    }

    private static void completeEmpty(List<Waiter> expired) {
        for (Waiter waiter : expired) {
            waiter.future.complete(Optional.empty());
        }
        expired.clear();
    }

    private void retireIfIdle(KeyState state) {
        if (state.isIdle()) {
            state.retired = true;
            states.remove(state.id, state);
        }
    }

    /** Fails every waiter; called when the provider closes. */
    void close() {
        for (KeyState state : states.values()) {
            List<Waiter> waiting;
            synchronized (state) {
                waiting = state.drainWaiters();
            }
            waiting.forEach(waiter -> waiter.future.completeExceptionally(closed(waiter.request)));
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A lease on a lock held in the database, counted as a local holder until released. */
    private final class JdbcLease extends AbstractLease {

        private final HoldGroup group;
        private final KeyState state;

        JdbcLease(LockRequest request, long token, HoldGroup group, KeyState state) {
            super(request, token);
            this.group = group;
            this.state = state;
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
            try {
                if (last) {
                    group.hold.release();
                }
            } finally {
                released(state, request());
            }
        }
    }
}
