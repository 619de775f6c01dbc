package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.github.serializedby.lock.support.StoredLock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Locks in Redis for the provider's {@link io.github.serializedby.lock.support.WaitingRoom}: each attempt
 * is one {@link LockScripts#ACQUIRE} round trip under a fresh holder token; a hold is renewed by the
 * {@link LeaseWatchdog} until released.
 *
 * <p>Waiting markers: a refused attempt of a waiter sets the lock's {@code waiting} marker (and, for a
 * writer, the provider's writer marker {@code w:<marker token>}), so that releases elsewhere are published
 * and other instances' readers held back. The room lets only the first local waiter of a key try, and
 * retries it every {@code recheckInterval} (a third of the marker time), which refreshes the markers while
 * this JVM waits; one marker token per provider makes those refreshes overwrite each other. When the last
 * local waiter of a key leaves, the writer marker is removed; should that fail, it expires with its time.
 * A holder that died publishes nothing: when what refused a waiter expires before the next recheck, the
 * store signals the key just after, as the room cannot know that time.
 *
 * <p>Over 300 lines: close must remove every marker this provider set, and the bookkeeping that makes it
 * possible (counted waiters, attempts under way, markers of attempts no waiter followed) is ordered with
 * the round trips it covers, so it lives beside them.
 */
final class RedisLockStore implements LockStore<LockKeys> {

    private final LockCommands commands;
    private final ProviderThreads threads;
    private final LeaseWatchdog watchdog;
    private final String prefix;
    private final long leaseNanos;
    private final long renewNanos;
    private final long markerNanos;
    private final long recheckMillis;
    /** How many fencing tokens an exclusive grant counts out: one per local holder it may pass to. */
    private final int exclusiveTokens;
    /** {@link #exclusiveTokens} as the script's argument. */
    private final String exclusiveTokensArgument;

    private final long handOffSliceNanos;
    private final Consumer<LockKeys> expired;
    private final String tokenPrefix = UUID.randomUUID() + ":";
    private final String markerToken = tokenPrefix + "waits";
    private final AtomicLong tokenCount = new AtomicLong();
    /** Local waiters per key, between their {@link #startWaiting} and {@link #stopWaiting}. */
    private final Map<LockKeys, Integer> waiters = new ConcurrentHashMap<>();
    /** Marker removals sent by leaving waiters and not yet answered; close lets them finish. */
    private final Set<CompletableFuture<Long>> removals = ConcurrentHashMap.newKeySet();
    /**
     * The attempts under way, with their keys; each future completes once its attempt is answered (and,
     * for a waiter's refusal, recorded in {@link #marked}).
     */
    private final Map<CompletableFuture<Void>, LockKeys> attempts = new ConcurrentHashMap<>();
    /**
     * The keys where a refused attempt of a waiter set this provider's markers, with when those end
     * ({@link System#nanoTime()}): until the last local waiter leaves, or, for an attempt the room never
     * counted as a waiter (it closed meanwhile, or the waiter had already left), until the marker time has
     * passed ({@link #sweep}). Close removes their markers: a waiter counted by nobody would leave its
     * marker behind otherwise.
     */
    private final Map<LockKeys, Long> marked = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /**
     * @param markerMillis how long a waiting marker lasts; the room retries its first waiters, which
     *     refreshes their markers, three times as often
     * @param localHandOffs how many times an exclusive lock may pass to another local caller, when leases
     *     are renewed
     * @param handOffSliceNanos for how long after its acquisition it may
     * @param expired told of a key whose refusing entries expired before the next recheck
     */
    RedisLockStore(
            LockCommands commands,
            ProviderThreads threads,
            String prefix,
            long leaseNanos,
            long renewNanos,
            long markerMillis,
            int localHandOffs,
            long handOffSliceNanos,
            Consumer<LockKeys> expired) {
        this.commands = commands;
        this.threads = threads;
        this.prefix = prefix;
        this.leaseNanos = leaseNanos;
        this.renewNanos = renewNanos;
        this.markerNanos = TimeUnit.MILLISECONDS.toNanos(markerMillis);
        this.recheckMillis = Math.max(1, markerMillis / 3);
        // Without renewal a lock ends one lease time after its acquisition, which a later local holder
        // would not get: such locks are never passed on.
        int handOffs = renewNanos > 0 ? localHandOffs : 0;
        this.exclusiveTokens = handOffs + 1;
        this.exclusiveTokensArgument = Integer.toString(exclusiveTokens);
        this.handOffSliceNanos = handOffs > 0 ? handOffSliceNanos : 0;
        this.expired = expired;
        this.watchdog = new LeaseWatchdog(leaseNanos, renewNanos);
    }

    /** What this provider publishes on a release that lets another instance go first. */
    String markerToken() {
        return markerToken;
    }

    /** How often the room retries the first waiter of a key. */
    long recheckMillis() {
        return recheckMillis;
    }

    /**
     * Every {@link #watchPeriodNanos()}: renews the holds that are due, reports those lost, and forgets the
     * markers of attempts that no waiter followed once they have ended.
     */
    void sweep() {
        watchdog.sweep();
        long now = System.nanoTime();
        marked.values().removeIf(end -> end - now < 0);
    }

    @Override
    public LockKeys key(LockRequest request) {
        return LockKeys.of(prefix, request);
    }

    @Override
    public @Nullable StoredLock tryLock(LockRequest request, LockKeys keys, boolean waiting) {
        requireOpen(request.name());
        String token = tokenPrefix + Long.toString(tokenCount.incrementAndGet(), 36);
        // The lease is counted from the send: opening a first connection must not eat into it.
        commands.connect();
        CompletableFuture<Void> answered = startAttempt(request, keys);
        long sentAt = System.nanoTime();
        long result = 0;
        boolean exclusive = request.mode() == LockMode.EXCLUSIVE;
        String tokens = exclusive ? exclusiveTokensArgument : "1";
        try {
            result = commands.acquireNow(keys, request.mode(), token, markerToken, waiting, tokens);
            if (result > 0 && closed) {
                giveBack(keys, token);
                throw new LockProviderUnavailableException(request.name(), closedFailure());
            }
        } catch (ExecutionException e) {
            throw unavailable(request, keys, token, e.getCause());
        } finally {
            endAttempt(answered, keys, waiting && result <= 0);
        }
        if (result <= 0) {
            long retryMillis = -result - 1 + 2;
            if (waiting && retryMillis < recheckMillis) {
                var unused = threads.schedule(() -> expired.accept(keys), retryMillis, TimeUnit.MILLISECONDS);
            }
            return null;
        }
        RedisHold hold = new RedisHold(
                this,
                request.name(),
                keys,
                token,
                result,
                result + (exclusive ? exclusiveTokens : 1) - 1,
                sentAt,
                handOffSliceNanos);
        watchdog.watch(hold);
        return hold;
    }

    /**
     * Registers an attempt before it is sent, under the monitor that close takes: either close sees the
     * attempt, lets it be answered before it removes the markers and closes the connection, or the attempt
     * sees the store closed and is not sent. Without this, a waiter's attempt sent just after close sent
     * its removals would set a marker that nobody removes (a reply may even be sent a second time after
     * them, when Redis has forgotten the script), and a lock granted then could not be released.
     */
    private CompletableFuture<Void> startAttempt(LockRequest request, LockKeys keys) {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        synchronized (waiters) {
            requireOpen(request.name());
            attempts.put(answered, keys);
        }
        return answered;
    }

    /** An attempt was answered, or failed; with {@code markersSet}, a waiter's refusal set its markers. */
    private void endAttempt(CompletableFuture<Void> answered, LockKeys keys, boolean markersSet) {
        synchronized (waiters) {
            if (markersSet) {
                marked.put(keys, System.nanoTime() + markerNanos);
            }
            attempts.remove(answered);
        }
        answered.complete(null);
    }

    /**
     * Counts a local waiter. The first of a key tries again at once: the removal of the markers that the
     * key's previous waiters sent as they left may have reached Redis after this waiter's refused attempt
     * set its marker. Its next attempt is sent after that removal, on the same connection, and sets the
     * marker again.
     */
    @Override
    public boolean startWaiting(LockKeys keys) {
        synchronized (waiters) {
            return waiters.merge(keys, 1, Integer::sum) == 1;
        }
    }

    @Override
    public void stopWaiting(LockKeys keys) {
        synchronized (waiters) {
            // Before the first connection nothing of this provider's is in Redis, and a send would connect
            // under this monitor.
            if (waiters.computeIfPresent(keys, (k, count) -> count > 1 ? count - 1 : null) == null
                    && !closed
                    && commands.mayHaveSent()) {
                marked.remove(keys);
                CompletableFuture<Long> removal = commands.stopWaiting(keys, markerToken);
                removals.add(removal);
                removal.whenComplete((result, failure) -> removals.remove(removal));
            }
        }
    }

    /**
     * Refuses every call from now on; held locks expire in Redis at the end of their lease. The writer
     * markers that this provider's waiters set are removed, as their waiters are failed (left standing,
     * they would hold back other instances' readers for up to the marker time), once the attempts under
     * way are answered, when the provider's own connection is open; the connection closes once Redis
     * answered, within the operation timeout. Close waits for neither Redis nor a connect under way.
     */
    void close() {
        Set<LockKeys> waited = new HashSet<>();
        List<CompletableFuture<Void>> underWay;
        List<CompletableFuture<Long>> sent;
        // Under the monitor of stopWaiting and startAttempt: a waiter leaving now either sends its removal
        // itself, before the flag, or is still among the keys removed here; an attempt is either seen here
        // or never sent.
        synchronized (waiters) {
            closed = true;
            waited.addAll(waiters.keySet());
            waited.addAll(attempts.values());
            waited.addAll(marked.keySet());
            underWay = List.copyOf(attempts.keySet());
            sent = List.copyOf(removals);
        }
        if (!commands.sendsWithoutBlocking()) {
            commands.close();
            return;
        }
        // The removals follow the answers to the attempts: an attempt that Redis answers NOSCRIPT is sent
        // again in full, after a removal sent meanwhile. The removals sent by leaving waiters are awaited
        // for the same reason, as a connection closed meanwhile would lose their second sending.
        CompletableFuture<Void> removed = CompletableFuture.allOf(underWay.toArray(CompletableFuture<?>[]::new))
                .handle((ignored, failure) -> null)
                .thenCompose(ignored -> CompletableFuture.allOf(Stream.concat(
                                waited.stream().map(keys -> commands.stopWaiting(keys, markerToken)), sent.stream())
                        .toArray(CompletableFuture<?>[]::new)));
        commands.closeAfter(removed);
    }

    void requireOpen(String name) {
        if (closed) {
            throw new LockProviderUnavailableException(name, closedFailure());
        }
    }

    static IllegalStateException closedFailure() {
        return new IllegalStateException("The Redis lock provider was closed");
    }

    /**
     * Gives a hold back: waits for Redis's answer on an ordinary thread; on a thread that must not block,
     * sends the release and returns. A failed release is the lease's end in Redis. A lost hold has nothing
     * left to release. Once the provider is closed it fails at once, sending nothing: the lock ends with
     * its lease.
     */
    void release(RedisHold hold) {
        watchdog.forget(hold);
        if (hold.isLost()) {
            return;
        }
        requireOpen(hold.name());
        if (NonBlockingThreads.isCurrentThreadNonBlocking()) {
            if (commands.sendsWithoutBlocking()) {
                var unused = commands.release(hold.keys(), hold.holderToken());
            } else {
                threads.execute(() -> {
                    var unused = commands.release(hold.keys(), hold.holderToken());
                });
            }
            return;
        }
        try {
            commands.releaseNow(hold.keys(), hold.holderToken());
        } catch (ExecutionException e) {
            // The lock expires at the end of its lease.
        }
    }

    /**
     * {@link #release} while callers of this JVM still wait for the lock: their markers are set with the
     * release. When another instance's writer waits, answers the marker time (the longest its claim to
     * be waiting lasts without a refresh), else zero. On a thread that must not block, a plain release is
     * sent and the answer is zero.
     */
    long releaseToOthers(RedisHold hold) {
        if (hold.isLost() || NonBlockingThreads.isCurrentThreadNonBlocking()) {
            release(hold);
            return 0;
        }
        watchdog.forget(hold);
        requireOpen(hold.name());
        try {
            long answer = commands.releaseToOthersNow(hold.keys(), hold.holderToken(), markerToken);
            if (answer > 0) {
                synchronized (waiters) {
                    marked.put(hold.keys(), System.nanoTime() + markerNanos);
                }
            }
            return answer == 2 ? markerNanos : 0;
        } catch (ExecutionException e) {
            // The lock expires at the end of its lease.
            return 0;
        }
    }

    CompletableFuture<Long> renew(RedisHold hold) {
        if (closed) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        return commands.renew(hold.keys(), hold.holderToken());
    }

    void execute(Runnable task) {
        threads.execute(task);
    }

    long leaseNanos() {
        return leaseNanos;
    }

    /** The renewal interval, or zero when leases are not renewed. */
    long renewNanos() {
        return renewNanos;
    }

    long watchPeriodNanos() {
        return watchdog.periodNanos();
    }

    /** Releases a lock granted to an attempt that close saw under way, before close closes the connection. */
    private void giveBack(LockKeys keys, String token) {
        try {
            commands.releaseNow(keys, token);
        } catch (ExecutionException e) {
            // The lock expires at the end of its lease.
        }
    }

    /**
     * The exception for a failed try. The try may have reached Redis before its answer was lost, so the
     * token's lock, if any, is given back in the background.
     */
    private LockProviderUnavailableException unavailable(
            LockRequest request, LockKeys keys, String token, @Nullable Throwable failure) {
        var unused = commands.release(keys, token);
        Throwable cause = failure != null ? failure : new IllegalStateException("Redis gave no answer");
        return cause instanceof LockProviderUnavailableException unavailable
                ? unavailable
                : new LockProviderUnavailableException(request.name(), cause);
    }
}
