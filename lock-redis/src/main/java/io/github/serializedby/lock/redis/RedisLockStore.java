package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.github.serializedby.lock.support.StoredLock;
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
 */
final class RedisLockStore implements LockStore<LockKeys> {

    private final LockCommands commands;
    private final ProviderThreads threads;
    private final LeaseWatchdog watchdog;
    private final String prefix;
    private final long leaseNanos;
    private final long renewNanos;
    private final long recheckMillis;
    private final Consumer<LockKeys> expired;
    private final String tokenPrefix = UUID.randomUUID() + ":";
    private final String markerToken = tokenPrefix + "waits";
    private final AtomicLong tokenCount = new AtomicLong();
    /** Local waiters per key, between their {@link #startWaiting} and {@link #stopWaiting}. */
    private final Map<LockKeys, Integer> waiters = new ConcurrentHashMap<>();
    /** Marker removals sent by leaving waiters and not yet answered; close lets them finish. */
    private final Set<CompletableFuture<Long>> removals = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * @param recheckMillis how often the room retries its first waiters
     * @param expired told of a key whose refusing entries expired before the next recheck
     */
    RedisLockStore(
            LockCommands commands,
            ProviderThreads threads,
            String prefix,
            long leaseNanos,
            long renewNanos,
            long recheckMillis,
            Consumer<LockKeys> expired) {
        this.commands = commands;
        this.threads = threads;
        this.prefix = prefix;
        this.leaseNanos = leaseNanos;
        this.renewNanos = renewNanos;
        this.recheckMillis = recheckMillis;
        this.expired = expired;
        this.watchdog = new LeaseWatchdog(leaseNanos, renewNanos);
    }

    /** The watchdog of the holds, which the provider runs. */
    LeaseWatchdog watchdog() {
        return watchdog;
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
        long sentAt = System.nanoTime();
        long result;
        try {
            result = commands.acquireNow(keys, request.mode(), token, markerToken, waiting);
        } catch (ExecutionException e) {
            throw unavailable(request, keys, token, e.getCause());
        }
        if (result <= 0) {
            long retryMillis = -result - 1 + 2;
            if (waiting && retryMillis < recheckMillis) {
                var unused = threads.schedule(() -> expired.accept(keys), retryMillis, TimeUnit.MILLISECONDS);
            }
            return null;
        }
        RedisHold hold = new RedisHold(this, request.name(), keys, token, result, sentAt);
        watchdog.watch(hold);
        return hold;
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
            if (waiters.computeIfPresent(keys, (k, count) -> count > 1 ? count - 1 : null) == null && !closed) {
                CompletableFuture<Long> removal = commands.stopWaiting(keys, markerToken);
                removals.add(removal);
                removal.whenComplete((result, failure) -> removals.remove(removal));
            }
        }
    }

    /**
     * Refuses every call from now on; held locks expire in Redis at the end of their lease. The writer
     * markers of keys still waited for are removed, as their waiters are failed (left standing, they would
     * hold back other instances' readers for up to the marker time) when the provider's own connection is
     * open; the connection closes once Redis answered, within the operation timeout. Close waits for
     * neither Redis nor a connect under way.
     */
    void close() {
        List<LockKeys> waited;
        List<CompletableFuture<Long>> sent;
        // Under the monitor of stopWaiting: a waiter leaving now either sends its removal itself, before
        // the flag, or is still among the keys removed here.
        synchronized (waiters) {
            closed = true;
            waited = List.copyOf(waiters.keySet());
            sent = List.copyOf(removals);
        }
        if (!commands.sendsWithoutBlocking()) {
            commands.close();
            return;
        }
        // The removals sent by leaving waiters are awaited too: one that Redis answers NOSCRIPT is sent
        // again in full, which a connection closed meanwhile would lose.
        CompletableFuture<?>[] stops = Stream.concat(
                        waited.stream().map(keys -> commands.stopWaiting(keys, markerToken)), sent.stream())
                .toArray(CompletableFuture<?>[]::new);
        commands.closeAfter(CompletableFuture.allOf(stops));
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

    CompletableFuture<Long> renew(RedisHold hold) {
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
