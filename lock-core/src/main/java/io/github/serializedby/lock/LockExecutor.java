package io.github.serializedby.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 */
public final class LockExecutor {

    private final LockProvider provider;
    private final LockListener listener;
    private final boolean timed;
    private final ThreadLocal<HeldLeases> heldByThread = ThreadLocal.withInitial(HeldLeases::new);

    /** An executor without listener. */
    public LockExecutor(LockProvider provider) {
        this(provider, LockListener.NOOP);
    }

    /**
     * @param provider where the locks come from
     * @param listener told of every acquisition, refusal and release; its failures are logged, never
     *     passed on to the call
     */
    public LockExecutor(LockProvider provider, LockListener listener) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.listener = CompositeLockListener.guard(Objects.requireNonNull(listener, "listener"));
        this.timed = listener != LockListener.NOOP;
    }

    /** The provider locks come from. */
    public LockProvider provider() {
        return provider;
    }

    /**
     * Runs {@code action} while holding every key of {@code spec}.
     *
     * @throws LockNotAcquiredException when a key is held by someone else (fail-fast) or the wait ran out
     * @throws LockProviderUnavailableException when the provider failed; {@code action} did not run
     * @throws LockInterruptedException when interrupted while waiting; {@code action} did not run
     * @throws LockUpgradeException when a shared lease held by this call chain would need upgrading
     * @throws E whatever {@code action} throws
     */
    public <T extends @Nullable Object, E extends Throwable> T execute(LockSpec spec, LockedCallable<T, E> action)
            throws E {
        HeldLeases chain = heldByThread.get();
        if (spec.keys().size() == 1) {
            LockRequest request = new LockRequest(spec.name(), spec.keys().get(0), spec.mode());
            return executeSingle(request, spec.policy(), spec.waitTimeout(), chain, action);
        }
        @Nullable Lease[] acquired = acquireAll(spec, canonicalRequests(spec), chain);
        long acquiredAt = timed ? System.nanoTime() : 0;
        try {
            return action.call();
        } finally {
            releaseAll(acquired, chain, acquiredAt);
        }
    }

    /**
     * Runs {@code action} while holding the one key of {@code request}, as {@link #execute(LockSpec,
     * LockedCallable)} does for a spec of one key, without building the spec.
     *
     * @param policy whether to wait for the key
     * @param waitTimeout how long to wait under {@link LockPolicy#WAIT}; zero or negative does not wait
     */
    public <T extends @Nullable Object, E extends Throwable> T execute(
            LockRequest request, LockPolicy policy, Duration waitTimeout, LockedCallable<T, E> action) throws E {
        return executeSingle(request, policy, waitTimeout, heldByThread.get(), action);
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
        HeldLeases chain = heldByThread.get();
        @Nullable Lease[] acquired = acquireAll(spec, requests(spec), chain);
        long acquiredAt = timed ? System.nanoTime() : 0;
        CompletionStage<T> stage = null;
        boolean returned = false;
        try {
            stage = action.call();
            returned = true;
        } finally {
            detach(acquired, chain);
            if (!returned || stage == null) {
                releaseAll(acquired, acquiredAt);
            }
        }
        if (stage == null) {
            return null;
        }
        CompletableFuture<T> released = new CompletableFuture<>();
        stage.whenComplete((result, failure) -> {
            releaseAll(acquired, acquiredAt);
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
     * stops the wait and gives back whatever was already taken. No re-entry: the caller tracks what its
     * chain holds.
     */
    public CompletableFuture<LockHandle> acquireAsync(LockSpec spec) {
        CompletableFuture<LockHandle> result = new CompletableFuture<>();
        List<LockRequest> requests;
        try {
            requests = requests(spec);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        acquireNext(spec, requests, 0, new ArrayList<>(requests.size()), System.nanoTime(), result);
        return result;
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
        return heldByThread.get().find(name, key) != null;
    }

    /** The common case of one key, without the arrays and sorting that several keys need. */
    private <T extends @Nullable Object, E extends Throwable> T executeSingle(
            LockRequest request, LockPolicy policy, Duration waitTimeout, HeldLeases chain, LockedCallable<T, E> action)
            throws E {
        Lease outer = chain.find(request.name(), request.key());
        if (outer != null) {
            if (!outer.request().mode().covers(request.mode())) {
                throw new LockUpgradeException(request.name());
            }
            return action.call();
        }
        Lease lease = acquireOne(policy, request, waitTimeout, 0);
        long acquiredAt = timed ? System.nanoTime() : 0;
        try {
            chain.add(lease);
            return action.call();
        } finally {
            chain.remove(lease);
            release(lease, acquiredAt);
        }
    }

    private static List<LockRequest> requests(LockSpec spec) {
        return spec.keys().size() == 1
                ? List.of(new LockRequest(spec.name(), spec.keys().get(0), spec.mode()))
                : canonicalRequests(spec);
    }

    private static List<LockRequest> canonicalRequests(LockSpec spec) {
        return new TreeSet<>(spec.keys())
                .stream()
                        .map(key -> new LockRequest(spec.name(), key, spec.mode()))
                        .toList();
    }

    private @Nullable Lease[] acquireAll(LockSpec spec, List<LockRequest> requests, HeldLeases chain) {
        @Nullable Lease[] acquired = new Lease[requests.size()];
        long start = System.nanoTime();
        try {
            for (int i = 0; i < requests.size(); i++) {
                LockRequest request = requests.get(i);
                Lease outer = chain.find(request.name(), request.key());
                if (outer != null) {
                    if (!outer.request().mode().covers(request.mode())) {
                        throw new LockUpgradeException(request.name());
                    }
                    continue;
                }
                long spent = System.nanoTime() - start;
                Lease lease =
                        acquireOne(spec.policy(), request, spec.waitTimeout().minusNanos(spent), spent);
                acquired[i] = lease;
                chain.add(lease);
            }
            return acquired;
        } catch (RuntimeException | Error e) {
            releaseAll(acquired, chain, System.nanoTime());
            throw e;
        }
    }

    /**
     * Takes the lock by the policy: one try, or a wait of up to {@code maxWait}. The clock is read only
     * when a listener needs it, so an uncontended call measures no time.
     *
     * @param spentBefore nanoseconds this call already spent on earlier keys, for reporting
     */
    private Lease acquireOne(LockPolicy policy, LockRequest request, Duration maxWait, long spentBefore) {
        listener.acquiring(request, policy);
        long start = timed ? System.nanoTime() : 0;
        Optional<Lease> lease;
        try {
            lease = policy == LockPolicy.FAIL_FAST || maxWait.isNegative() || maxWait.isZero()
                    ? provider.tryAcquire(request)
                    : provider.acquireBlocking(request, maxWait);
        } catch (InterruptedException e) {
            throw interrupted(request, e, start, spentBefore);
        } catch (RuntimeException e) {
            throw unavailable(request, e);
        }
        if (lease.isEmpty()) {
            throw refused(policy, request, timeSpent(policy, maxWait, start, spentBefore));
        }
        Lease granted = lease.get();
        if (timed) {
            try {
                listener.acquired(request, waited(start, spentBefore));
            } catch (Throwable e) {
                releaseAfter(e, granted);
                throw e;
            }
        }
        return granted;
    }

    /** Gives back a lease that was granted but cannot be handed over because of {@code failure}. */
    private static void releaseAfter(Throwable failure, Lease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private RuntimeException interrupted(LockRequest request, InterruptedException e, long start, long spentBefore) {
        Thread.currentThread().interrupt();
        listener.timedOut(request, waited(start, spentBefore));
        return new LockInterruptedException(request.name(), e);
    }

    private RuntimeException unavailable(LockRequest request, Throwable e) {
        RuntimeException failure = LockProviderUnavailableException.from(request, e);
        listener.failed(request, failure);
        return failure;
    }

    /** How long a call that did not get its key spent; without a listener the clock was not read. */
    private Duration timeSpent(LockPolicy policy, Duration maxWait, long start, long spentBefore) {
        return timed
                ? waited(start, spentBefore)
                : Duration.ofNanos(spentBefore).plus(policy == LockPolicy.WAIT ? maxWait : Duration.ZERO);
    }

    private LockNotAcquiredException refused(LockPolicy policy, LockRequest request, Duration waited) {
        if (policy == LockPolicy.FAIL_FAST) {
            listener.rejected(request);
        } else {
            listener.timedOut(request, waited);
        }
        return new LockNotAcquiredException(request.name(), policy, waited);
    }

    private static Duration waited(long start, long spentBefore) {
        return Duration.ofNanos(spentBefore + System.nanoTime() - start);
    }

    private void releaseAll(@Nullable Lease[] acquired, HeldLeases chain, long acquiredAt) {
        detach(acquired, chain);
        releaseAll(acquired, acquiredAt);
    }

    private static void detach(@Nullable Lease[] acquired, HeldLeases chain) {
        for (Lease lease : acquired) {
            if (lease != null) {
                chain.remove(lease);
            }
        }
    }

    private void releaseAll(@Nullable Lease[] acquired, long acquiredAt) {
        for (int i = acquired.length - 1; i >= 0; i--) {
            Lease lease = acquired[i];
            if (lease != null) {
                release(lease, acquiredAt);
            }
        }
    }

    private void acquireNext(
            LockSpec spec,
            List<LockRequest> requests,
            int index,
            List<Lease> acquired,
            long start,
            CompletableFuture<LockHandle> result) {
        if (index == requests.size()) {
            LockHandle handle = new LockHandle(acquired, this::release);
            if (!result.complete(handle)) {
                handle.release();
            }
            return;
        }
        LockRequest request = requests.get(index);
        listener.acquiring(request, spec.policy());
        Duration remaining = spec.waitTimeout().minusNanos(System.nanoTime() - start);
        CompletableFuture<Optional<Lease>> pending;
        try {
            // A single try goes through acquire too: tryAcquire may block, and this path must not.
            pending = provider.acquire(request, spec.policy() == LockPolicy.FAIL_FAST ? Duration.ZERO : remaining);
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Optional<Lease>> step = pending;
        result.whenComplete((handle, failure) -> {
            if (result.isCancelled()) {
                step.cancel(false);
            }
        });
        step.whenComplete((granted, failure) -> {
            Lease lease = failure == null ? granted.orElse(null) : null;
            try {
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (lease == null) {
                    releaseAll(acquired);
                    result.completeExceptionally(notAcquired(spec.policy(), request, waited, failure));
                    return;
                }
                if (timed) {
                    listener.acquired(request, waited);
                }
                acquired.add(lease);
            } catch (Throwable e) {
                if (lease != null && !acquired.contains(lease)) {
                    releaseAfter(e, lease);
                }
                releaseAll(acquired);
                result.completeExceptionally(e);
                return;
            }
            acquireNext(spec, requests, index + 1, acquired, start, result);
        });
    }

    private void releaseAll(List<Lease> acquired) {
        long now = System.nanoTime();
        for (int i = acquired.size() - 1; i >= 0; i--) {
            release(acquired.get(i), now);
        }
    }

    private RuntimeException notAcquired(
            LockPolicy policy, LockRequest request, Duration waited, @Nullable Throwable failure) {
        return failure != null ? unavailable(request, unwrap(failure)) : refused(policy, request, waited);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure.getCause();
        return failure instanceof CompletionException && cause != null ? cause : failure;
    }

    private void release(Lease lease, long acquiredAt) {
        try {
            lease.release();
            if (timed) {
                listener.released(lease.request(), Duration.ofNanos(System.nanoTime() - acquiredAt));
            }
        } catch (RuntimeException e) {
            // The call's own outcome stands; the provider's lease runs out by itself.
            listener.failed(lease.request(), e);
        }
    }
}
