package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JVM-side half of a lock provider over a shared {@link LockStore}: callers that must wait do so
 * here, in a queue per key, and the store is asked again only when there is a reason to expect a
 * different answer. The room is the provider's {@link LockProvider}: a provider is a store plus a thin
 * public class that forwards to its room ({@link ForwardingLockProvider}) and closes it with the store.
 *
 * <p>Invariant: within one JVM, waiters of a key are served first come, first served, and a newcomer
 * never tries the store while a waiter is queued ahead of it, so a waiting writer is not starved by later
 * readers; the store, not this bookkeeping, decides who holds a lock.
 *
 * <p>No thread is parked per waiter: a waiter is a future, and a pump (one at a time per key, on the
 * workers) tries the store for the first waiter when a local holder releases, when the store {@linkplain
 * #signal signals} a release elsewhere, every {@code recheckInterval} while someone waits, and once more
 * when a waiter's time runs out. An asynchronous caller's future is completed on the delivery executor,
 * never on the workers nor inside the release that freed the key, so a continuation that releases again
 * cannot nest hand-overs, and one that blocks cannot stall the room. {@link #acquire} makes no store call on its
 * caller's thread, which may be an event loop; {@link #acquireBlocking} makes its first attempt on the
 * caller, which blocks anyway.
 *
 * <p>A writer that releases while the key's first local waiter is a writer passes the stored lock to it,
 * without a store call, while the store {@linkplain StoredLock#mayHandOff allows} and a token of the block
 * the store counted out with the lock is left; the key stays held in the store meanwhile. Once the store's
 * bound is reached the lock is given back, and when the store says another process waits, the local
 * waiters let it take the lock first: they try again on the next signal, or once the time the store gave
 * for it has passed.
 *
 * <p>Readers of one JVM share one shared lock of the store while it lasts: a reader arriving while another
 * holds the key shared (and nobody waits) joins it without a round trip, taking the next token of the
 * block the store counted out with the lock. The stored lock is released with its last reader.
 *
 * @param <K> the store's key type
 */
public final class WaitingRoom<K> implements LockProvider {

    private final KeyQueues<K> queues;
    private final Entrance<K> entrance;

    /** This room for blocking callers: the first attempt of its {@code acquire} runs on the caller. */
    private final LockProvider onCaller = new LockProvider() {
        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            return WaitingRoom.this.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            return WaitingRoom.this.acquire(request, maxWait, true);
        }
    };

    /**
     * A room over {@code store}.
     *
     * @param workers run the store attempts of waiters and of asynchronous calls; nothing of the room
     *     blocks them but the store's own calls, and no caller's continuation runs on them
     * @param delivery completes the futures of asynchronous callers, so their continuations (the caller's
     *     code, which may block) run there. A blocking continuation holds one delivery thread: it delays
     *     the answers queued behind it once every delivery thread is held, but never an attempt, a
     *     hand-over, a deadline or a release of any key. Its queue holds at most one task per waiter
     *     being answered; give it a bounded number of threads, as many as continuations may block at once
     *     (such as one per lock the store can hold)
     * @param timer ends waits at their deadline and triggers rechecks; its tasks only hand work to the
     *     workers
     * @param recheckInterval how often the first waiter of a key tries again without a signal, for
     *     releases the store cannot signal (a holder that died)
     * @param listener told of leases the store lost; a listener that throws is logged and ignored
     */
    public WaitingRoom(
            LockStore<K> store,
            Executor workers,
            Executor delivery,
            ScheduledExecutorService timer,
            Duration recheckInterval,
            LockListener listener) {
        this(store, workers, delivery, timer, recheckInterval, listener, WaitBounds.unbounded());
    }

    /**
     * A room over {@code store} whose waiting {@code bounds} limits, as the other constructor describes;
     * give every provider of an application the same bounds.
     */
    public WaitingRoom(
            LockStore<K> store,
            Executor workers,
            Executor delivery,
            ScheduledExecutorService timer,
            Duration recheckInterval,
            LockListener listener,
            WaitBounds bounds) {
        if (recheckInterval.isNegative() || recheckInterval.isZero()) {
            throw new IllegalArgumentException("recheckInterval must be positive");
        }
        this.queues = new KeyQueues<>(
                Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(workers, "workers"),
                new Delivery(Objects.requireNonNull(delivery, "delivery")),
                Objects.requireNonNull(timer, "timer"),
                recheckInterval,
                Objects.requireNonNull(listener, "listener"),
                Objects.requireNonNull(bounds, "bounds"));
        this.entrance = new Entrance<>(queues, timer);
    }

    /**
     * Tries once, on the calling thread: empty when a local holder or a waiter ahead excludes it.
     *
     * @throws IllegalStateException on a thread that must not block ({@link NonBlockingThreads})
     */
    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        NonBlockingThreads.requireBlockingAllowed("LockProvider.tryAcquire");
        queues.requireOpen(request);
        K key = queues.store.key(request);
        KeyState<K> state;
        while (true) {
            state = queues.states.computeIfAbsent(key, KeyState::new);
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                if (!state.canTryNow(request.mode())) {
                    return Optional.empty();
                }
                state.hold(request.mode());
                Lease joined = queues.joinGroup(state, request);
                if (joined != null) {
                    return Optional.of(joined);
                }
                break;
            }
        }
        Lease lease;
        try {
            lease = queues.attemptReserved(state, request, false);
        } catch (RuntimeException | Error e) {
            queues.unreserve(state, request);
            throw e;
        }
        if (lease == null) {
            queues.unreserve(state, request);
            return Optional.empty();
        }
        return Optional.of(lease);
    }

    /**
     * Waits up to {@code maxWait} without a store call on the caller's thread, which may be an event loop:
     * every attempt, and the announcing of the waiter, runs on the workers. Keeps the {@link LockProvider}
     * contract: cancelling the future ends the wait, and a lease granted to a done future is released.
     */
    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        return acquire(request, maxWait, false);
    }

    /**
     * Makes the first attempt on the calling thread, which blocks anyway, sparing the uncontended case a
     * hand-over to a worker; then waits like {@link #acquire}.
     *
     * @throws IllegalStateException on a thread that must not block ({@link NonBlockingThreads})
     */
    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        return onCaller.acquireBlocking(request, maxWait);
    }

    /**
     * This room for callers that block anyway, as {@link #acquireBlocking} uses it: its {@code acquire} makes
     * the first attempt on the caller's thread and completes its future there or on a worker, since no
     * continuation but the blocked caller's waits for it.
     */
    LockProvider firstAttemptOnCaller() {
        return onCaller;
    }

    /** A release elsewhere (another process) may have freed {@code key}: its first waiter tries again. */
    public void signal(K key) {
        queues.signal(key);
    }

    /** Something changed for every key (a connection came back, a signal may have been missed). */
    public void signalAll() {
        queues.states.keySet().forEach(queues::signal);
    }

    /** How many keys this JVM holds or waits for now; zero when idle. */
    public int activeKeyCount() {
        return queues.states.size();
    }

    /**
     * Fails every waiter, and from now on every new call at once with {@link
     * io.github.serializedby.lock.LockProviderUnavailableException}; the provider calls it when it closes, before stopping the workers.
     */
    public void close() {
        queues.close();
    }

    private CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait, boolean onCaller) {
        if (onCaller) {
            NonBlockingThreads.requireBlockingAllowed("LockProvider.acquireBlocking");
        }
        if (queues.isClosed()) {
            return CompletableFuture.failedFuture(KeyQueues.closed(request));
        }
        if (maxWait.isZero() || maxWait.isNegative()) {
            return onCaller ? tryHere(request) : tryOnWorker(request);
        }
        return entrance.enter(request, maxWait, onCaller);
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
            queues.workers.execute(() -> {
                if (result.isDone()) {
                    return;
                }
                try {
                    queues.delivery.grant(result, false, tryAcquire(request));
                } catch (RuntimeException | Error e) {
                    queues.delivery.fail(result, false, e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(KeyQueues.closed(request));
        }
        return result;
    }
}
