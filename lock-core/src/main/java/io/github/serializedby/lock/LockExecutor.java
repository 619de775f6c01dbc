package io.github.serializedby.lock;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Runs code under locks from a {@link LockProvider}, with a {@link LockPolicy}.
 *
 * <p>Invariant: every lease this executor acquires is released exactly once, whatever the code does
 * (returns, throws, is interrupted), and only by the call that acquired it.
 *
 * <p>Several keys are acquired in one canonical order (sorted by key), so two calls locking {A, B} and
 * {B, A} cannot deadlock; if any key cannot be had, the ones already taken are released.
 *
 * <p>Re-entry: a call that runs, on the same thread, inside another call of this executor holding the
 * same (name, key) reuses the outer lease instead of waiting for itself. An outer {@link
 * LockMode#EXCLUSIVE} lease covers an inner request in either mode; an outer {@link LockMode#SHARED}
 * lease covers an inner shared request, while an inner exclusive request is refused with {@link
 * LockUpgradeException}, since two shared holders upgrading at once would deadlock.
 *
 * <p>Re-entry holds across blocking and asynchronous calls on the thread that makes them: {@link
 * #executeAsync} and {@link #acquireAsync(LockSpec, List)} re-enter the leases of the blocking calls the
 * thread is inside, and a call that acquires on the calling thread ({@link #execute}, {@link #hold},
 * {@link #executeAsync}) made within {@link #executeHolding} re-enters the leases lent there. An
 * asynchronous inner call that re-enters is covered only until the outer call returns, so the outer call
 * awaits it; on another thread it is a stranger and waits like any caller. {@link #acquireAsync(LockSpec,
 * List)} never re-enters lent leases: it blocks no thread, so it can wait for them, and any pipeline
 * subscribed on the thread meanwhile (a hot sink's subscriber) would otherwise hold the keys beside
 * their holder; its own chain passes them as {@code held}.
 *
 * <p>Over 300 lines: every way to hold keys (a call, a one-key call without a spec, a stage, an
 * asynchronous acquisition, a hold across two callbacks) shares the one re-entry chain and the one
 * acquire-in-order, release-once discipline, which stay right more easily in one class.
 */
public final class LockExecutor {

    /** The most keys one call locks unless the executor is built with another limit. */
    public static final int DEFAULT_MAX_KEYS_PER_CALL = 64;

    private final Acquirer acquirer;
    private final int maxKeysPerCall;

    /**
     * An executor that locks at most {@value #DEFAULT_MAX_KEYS_PER_CALL} keys per call.
     *
     * @param provider where the locks come from; to observe the calls, pass it decorated (a {@link
     *     io.github.serializedby.lock.support.ListeningLockProvider} for {@link LockListener}s)
     */
    public LockExecutor(LockProvider provider) {
        this(provider, DEFAULT_MAX_KEYS_PER_CALL);
    }

    /**
     * @param provider where the locks come from, as for {@link #LockExecutor(LockProvider)}
     * @param maxKeysPerCall the most keys of one {@link LockSpec}, counted as given (duplicates included);
     *     a spec with more is refused with {@link InvalidLockKeyException} before any key is taken, so that
     *     a caller who controls the keys (a list of ids in a request) cannot make one call take unbounded
     *     locks
     */
    public LockExecutor(LockProvider provider, int maxKeysPerCall) {
        if (maxKeysPerCall < 1) {
            throw new IllegalArgumentException("maxKeysPerCall must be at least 1, not " + maxKeysPerCall);
        }
        this.acquirer = new Acquirer(Objects.requireNonNull(provider, "provider"));
        this.maxKeysPerCall = maxKeysPerCall;
    }

    /** The provider locks come from. */
    public LockProvider provider() {
        return acquirer.provider;
    }

    /**
     * Runs {@code action} while holding every key of {@code spec}. For a single key, {@link
     * #execute(LockRequest, LockPolicy, Duration, LockedCallable)} does the same without a spec.
     *
     * @throws LockNotAcquiredException when a key is held by someone else (fail-fast) or the wait ran out
     * @throws LockProviderUnavailableException when the provider failed; {@code action} did not run
     * @throws LockInterruptedException when interrupted while waiting; {@code action} did not run
     * @throws LockUpgradeException when a shared lease held by this call chain would need upgrading
     * @throws E whatever {@code action} throws
     */
    public <T extends @Nullable Object, E extends Throwable> T execute(LockSpec spec, LockedCallable<T, E> action)
            throws E {
        HeldLeases chain = HeldLeases.ofCurrentThread();
        @Nullable Lease[] acquired = acquireAll(spec, chain);
        try {
            return action.call();
        } finally {
            releaseAll(acquired, chain);
        }
    }

    /**
     * Runs {@code action} while holding the one key of {@code request}, as {@link #execute(LockSpec,
     * LockedCallable)} does for a spec of one key, without the spec, the arrays and the sorting that
     * several keys need: the uncontended {@code @SerializedBy} call takes this path.
     *
     * @param policy whether to wait for the key
     * @param waitTimeout how long to wait under {@link LockPolicy#WAIT}; zero or negative does not wait
     */
    public <T extends @Nullable Object, E extends Throwable> T execute(
            LockRequest request, LockPolicy policy, Duration waitTimeout, LockedCallable<T, E> action) throws E {
        HeldLeases chain = HeldLeases.ofCurrentThread();
        if (Acquirer.reenters(chain.find(acquirer, request.name(), request.key()), request)) {
            return action.call();
        }
        Lease lease = acquirer.acquire(policy, request, waitTimeout, 0);
        try {
            chain.add(acquirer, lease);
            return action.call();
        } finally {
            chain.remove(lease);
            Acquirer.release(lease);
        }
    }

    /**
     * Runs {@code action}, which returns a stage, and holds every key of {@code spec} until that stage
     * completes, normally or not; the release then happens on the thread that completes it. The keys are
     * acquired on the calling thread, as {@link #execute} does. The returned future completes after the
     * release, so a caller's next step never finds its own lock still held.
     *
     * @throws E whatever {@code action} throws before returning its stage (the keys are released)
     */
    public <T extends @Nullable Object, E extends Throwable> @Nullable CompletableFuture<T> executeAsync(
            LockSpec spec, LockedCallable<? extends @Nullable CompletionStage<T>, E> action) throws E {
        HeldLeases chain = HeldLeases.ofCurrentThread();
        @Nullable Lease[] acquired = acquireAll(spec, chain);
        CompletionStage<T> stage = null;
        boolean returned = false;
        try {
            stage = action.call();
            returned = true;
        } finally {
            detach(acquired, chain);
            if (!returned || stage == null) {
                Acquirer.releaseAll(acquired);
            }
        }
        if (stage == null) {
            return null;
        }
        CompletableFuture<T> released = new CompletableFuture<>();
        stage.whenComplete((result, failure) -> {
            Acquirer.releaseAll(acquired);
            if (failure != null) {
                released.completeExceptionally(failure);
            } else {
                released.complete(result);
            }
        });
        return released;
    }

    /**
     * Acquires every key of {@code spec} without blocking any thread, for reactive callers. The future
     * completes with the held locks, or exceptionally as {@link #execute} would throw. Cancelling it
     * stops the wait and gives back whatever was already taken. No re-entry: see {@link
     * #acquireAsync(LockSpec, List)} for a caller that tracks what its chain holds.
     */
    public CompletableFuture<LockHandle> acquireAsync(LockSpec spec) {
        return acquireAsync(spec, List.of(), null);
    }

    /**
     * Acquires, as {@link #acquireAsync(LockSpec)} does, the keys of {@code spec} that neither {@code held}
     * nor the calls of this executor the calling thread is inside hold already (not the leases lent by
     * {@link #executeHolding}, which only a call made on this thread re-enters), by the re-entry rule: a
     * key held exclusive, or held shared and wanted shared, is not acquired again (the handle then holds
     * fewer leases, or none); a key held shared and wanted exclusive fails the future with {@link
     * LockUpgradeException}.
     *
     * @param held the leases the caller's chain holds, such as those of its outer handles
     */
    public CompletableFuture<LockHandle> acquireAsync(LockSpec spec, List<Lease> held) {
        return acquireAsync(spec, held, HeldLeases.ofCurrentThread());
    }

    private CompletableFuture<LockHandle> acquireAsync(LockSpec spec, List<Lease> held, @Nullable HeldLeases chain) {
        try {
            return new NonBlockingAcquisition(acquirer, spec, requests(spec), held, chain).start();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@code action} on the calling thread as inside a call holding {@code held}, such as the leases
     * of a {@link LockHandle}: a call of this executor that {@code action} makes on this thread and that
     * acquires there ({@link #execute}, {@link #hold}, {@link #executeAsync}) re-enters them instead of
     * waiting for keys its own chain holds. They are lent, not held by a call on this thread: {@link
     * #acquireAsync(LockSpec, List)} does not re-enter them, so an unrelated pipeline that {@code action}
     * happens to run waits for them. A call that acquires on this thread cannot wait, since their holder
     * is suspended beneath it: whatever {@code action} runs on this thread counts as their holder.
     *
     * @throws E whatever {@code action} throws
     */
    public <T extends @Nullable Object, E extends Throwable> T executeHolding(
            List<Lease> held, LockedCallable<T, E> action) throws E {
        HeldLeases chain = HeldLeases.ofCurrentThread();
        for (Lease lease : held) {
            chain.add(acquirer, lease, true);
        }
        try {
            return action.call();
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                chain.remove(held.get(i));
            }
        }
    }

    /**
     * Acquires every key of {@code spec}, as {@link #execute} does, for work that begins and ends in two
     * callbacks on one thread, such as a web request's interceptor: until the hold is closed, calls of
     * this executor on this thread re-enter those keys. Close it on the same thread.
     *
     * @throws LockNotAcquiredException when a key is held by someone else (fail-fast) or the wait ran out
     * @throws LockProviderUnavailableException when the provider failed; nothing is held
     * @throws LockInterruptedException when interrupted while waiting; nothing is held
     * @throws LockUpgradeException when a shared lease held by this call chain would need upgrading
     */
    public ThreadHold hold(LockSpec spec) {
        HeldLeases chain = HeldLeases.ofCurrentThread();
        return new ThreadHold(acquireAll(spec, chain), chain);
    }

    /** Keys held on one thread by {@link #hold}, until {@link #close()}. */
    public static final class ThreadHold implements AutoCloseable {

        private final @Nullable Lease[] acquired;
        private final HeldLeases chain;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        ThreadHold(@Nullable Lease[] acquired, HeldLeases chain) {
            this.acquired = acquired;
            this.chain = chain;
        }

        /**
         * Releases the keys this hold took (not those it re-entered); a second close does nothing.
         *
         * @throws IllegalStateException on another thread than the one that took the hold: nothing is
         *     released then, since calls on that thread still count on the keys
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a hold is closed on the thread that took it (" + owner.getName()
                        + "), not on " + Thread.currentThread().getName());
            }
            if (!closed) {
                closed = true;
                releaseAll(acquired, chain);
            }
        }
    }

    /** Runs {@code action} while holding every key of {@code spec}; see {@link #execute}. */
    public void run(LockSpec spec, Runnable action) {
        this.<@Nullable Void, RuntimeException>execute(spec, () -> {
            action.run();
            return null;
        });
    }

    /** Whether the current thread runs inside a call of this executor that holds (name, key). */
    public boolean isHeldByCurrentThread(String name, String key) {
        return heldByCurrentThread(name, key) != null;
    }

    /**
     * The lease for (name, key) that a call of this executor the current thread is inside holds, the
     * outermost when several do; null when none does. See {@link HeldLocks#current()} for every lease.
     */
    public @Nullable Lease heldByCurrentThread(String name, String key) {
        return HeldLeases.ofCurrentThread().find(acquirer, name, key);
    }

    /**
     * The requests of {@code spec}, each key once, in the canonical order that prevents deadlock: the one
     * place every call with a spec passes before taking a key, and so where its number of keys is checked.
     *
     * @throws InvalidLockKeyException when the spec has more keys than {@code maxKeysPerCall}, or a key
     *     that cannot be locked
     */
    private LockRequest[] requests(LockSpec spec) {
        int count = spec.keys().size();
        if (count > maxKeysPerCall) {
            throw new InvalidLockKeyException(
                    spec.name(), count + " keys in one call, more than the " + maxKeysPerCall + " allowed");
        }
        String[] keys = spec.keys().toArray(String[]::new);
        Arrays.sort(keys);
        LockRequest[] requests = new LockRequest[keys.length];
        int distinct = 0;
        for (int i = 0; i < keys.length; i++) {
            if (i == 0 || !keys[i].equals(keys[i - 1])) {
                requests[distinct++] = new LockRequest(spec.name(), keys[i], spec.mode());
            }
        }
        return distinct == requests.length ? requests : Arrays.copyOf(requests, distinct);
    }

    /**
     * Acquires the keys of {@code spec} this chain does not hold yet, in canonical order, within one wait
     * for all of them; on a failure the ones taken are released. The whole spec is checked against the
     * chain first, so a refused upgrade takes no key. A slot stays null where re-entry served.
     */
    private @Nullable Lease[] acquireAll(LockSpec spec, HeldLeases chain) {
        @Nullable LockRequest[] requests = requests(spec);
        for (int i = 0; i < requests.length; i++) {
            LockRequest request = requests[i];
            if (request != null && Acquirer.reenters(chain.find(acquirer, request.name(), request.key()), request)) {
                requests[i] = null;
            }
        }
        @Nullable Lease[] acquired = new Lease[requests.length];
        long start = 0;
        boolean started = false;
        try {
            for (int i = 0; i < requests.length; i++) {
                LockRequest request = requests[i];
                if (request == null) {
                    continue;
                }
                long spent = started ? System.nanoTime() - start : 0;
                if (!started) {
                    start = System.nanoTime();
                    started = true;
                }
                Lease lease = acquirer.acquire(
                        spec.policy(), request, spec.waitTimeout().minusNanos(spent), spent);
                acquired[i] = lease;
                chain.add(acquirer, lease);
            }
            return acquired;
        } catch (RuntimeException | Error e) {
            releaseAll(acquired, chain);
            throw e;
        }
    }

    private static void releaseAll(@Nullable Lease[] acquired, HeldLeases chain) {
        detach(acquired, chain);
        Acquirer.releaseAll(acquired);
    }

    private static void detach(@Nullable Lease[] acquired, HeldLeases chain) {
        for (Lease lease : acquired) {
            if (lease != null) {
                chain.remove(lease);
            }
        }
    }
}
