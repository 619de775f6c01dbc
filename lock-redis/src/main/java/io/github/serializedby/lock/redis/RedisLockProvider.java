package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.NonBlockingThreads;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Locks kept in Redis, so that every instance of an application connected to the same Redis excludes the
 * others. Same semantics as the in-memory provider: exclusive and shared modes, a waiting writer is not
 * overtaken by later readers, fencing tokens grow with every acquisition of a key.
 *
 * <p>Each acquisition and each release is one Lua script, one round trip. Waiting parks no thread: a
 * waiter tries again when the release of its lock is published, when what stands in its way expires, and
 * ends at its deadline. While held, a lease is renewed by the {@link LeaseWatchdog} about every {@link
 * RedisLockOptions#renewEvery()}; when a renewal finds the lock gone, or the lease runs out unrenewed, the
 * lease turns invalid and the listener hears {@link LockListener#leaseLost}. A lease is no guarantee under long pauses or a Redis fail-over;
 * the fencing token is.
 *
 * <p>Only {@link #tryAcquire}, {@link #acquireBlocking} and a lease's release called on an ordinary thread
 * wait for Redis's reply; {@link #acquire} never blocks its caller. Called on a thread that must not block
 * (a Netty event loop such as Lettuce's, a Reactor non-blocking thread), the blocking methods fail at once
 * rather than wait for a reply that may be due on that very thread, and a release is sent without waiting.
 *
 * <p>When Redis fails or does not answer within the operation timeout, acquisition fails closed with
 * {@link LockProviderUnavailableException}; the provider recovers by itself when Redis is back.
 *
 * <p>Needs a connection factory that also serves reactive connections, such as Lettuce's. The provider
 * does not own the factory; {@link #close()} stops its own threads and subscription.
 *
 * <p>Over 300 lines for now: the provider is the hub its waiters and leases call back into (scripts,
 * timers, tokens, the release subscription), until it becomes a store of the shared {@code
 * lock.support.WaitingRoom} and that waiting moves there.
 */
public final class RedisLockProvider implements LockProvider, AutoCloseable {

    private static final long MAX_MARKER_MILLIS = 3_000;

    private final LockCommands commands;
    private final RedisLockOptions options;
    private final long leaseNanos;
    private final long renewNanos;
    private final long markerRefreshNanos;
    private final ProviderThreads threads = new ProviderThreads();
    private final LeaseWatchdog watchdog;
    private final ReleaseSubscription subscription;
    private final String tokenPrefix = UUID.randomUUID() + ":";
    private final AtomicLong tokenCount = new AtomicLong();
    private volatile boolean closed;

    /** A provider with the {@linkplain RedisLockOptions#defaults() default options}. */
    public RedisLockProvider(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, RedisLockOptions.defaults());
    }

    /** A provider on {@code connectionFactory}; it subscribes to release messages in the background. */
    public RedisLockProvider(RedisConnectionFactory connectionFactory, RedisLockOptions options) {
        Objects.requireNonNull(connectionFactory, "connectionFactory");
        if (!(connectionFactory instanceof ReactiveRedisConnectionFactory reactive)) {
            throw new IllegalArgumentException("RedisLockProvider needs a connection factory that is also a "
                    + "ReactiveRedisConnectionFactory, such as LettuceConnectionFactory; got "
                    + connectionFactory.getClass().getName());
        }
        this.options = Objects.requireNonNull(options, "options");
        long lease = Math.max(1, options.leaseTime().toMillis());
        long marker = Math.min(lease, MAX_MARKER_MILLIS);
        this.commands = new LockCommands(reactive, options.operationTimeout(), lease, marker);
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(lease);
        this.renewNanos = options.renewEvery().map(Duration::toNanos).orElse(0L);
        this.watchdog = new LeaseWatchdog(leaseNanos, renewNanos);
        threads.scheduleEvery(watchdog::sweep, watchdog.periodNanos(), TimeUnit.NANOSECONDS);
        this.markerRefreshNanos = TimeUnit.MILLISECONDS.toNanos(marker) / 3;
        this.subscription = new ReleaseSubscription(
                connectionFactory, LockKeys.channelPattern(options.prefix()), threads.forSubscription());
        subscription.start();
        threads.execute(commands::connect);
    }

    /** The options this provider was built with. */
    public RedisLockOptions options() {
        return options;
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        NonBlockingThreads.requireBlockingAllowed("RedisLockProvider.tryAcquire");
        requireOpen(request);
        LockKeys keys = LockKeys.of(options.prefix(), request);
        String token = newToken();
        // The lease is counted from the send: opening a first connection must not eat into it.
        commands.connect();
        long sentAt = System.nanoTime();
        long result;
        try {
            result = commands.acquireNow(keys, request.mode(), token, false);
        } catch (ExecutionException e) {
            throw unavailable(request, keys, token, e.getCause());
        }
        return result > 0 ? Optional.of(grant(request, keys, token, result, sentAt)) : Optional.empty();
    }

    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        try {
            return startWaiting(request, maxWait, false).future;
        } catch (LockProviderUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits by parking the calling thread. Its future has no stages of a caller's, so the lease is handed
     * to the thread straight from the thread that read Redis's reply, with no pool thread in between.
     */
    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        NonBlockingThreads.requireBlockingAllowed("RedisLockProvider.acquireBlocking");
        if (maxWait.isZero() || maxWait.isNegative()) {
            return tryAcquire(request);
        }
        CompletableFuture<Optional<Lease>> pending = startWaiting(request, maxWait, true).future;
        try {
            return pending.get();
        } catch (InterruptedException e) {
            if (!pending.cancel(false)) {
                var unused = pending.thenAccept(granted -> granted.ifPresent(Lease::release));
            }
            throw e;
        } catch (ExecutionException e) {
            throw LockProviderUnavailableException.from(request, e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * Stops renewing leases, fails the waiters and ends the subscription. Held locks expire in Redis at the
     * end of their lease: releasing one afterwards fails at once, as does any other call.
     */
    @Override
    public void close() {
        closed = true;
        subscription.close();
        subscription.forEachWaiter(waiter -> waiter.future.completeExceptionally(
                new LockProviderUnavailableException(waiter.request.name(), closedFailure())));
        threads.shutdown();
        commands.close();
    }

    @Override
    public String toString() {
        return "RedisLockProvider[" + options + "]";
    }

    // ---- called by waiters and leases

    /**
     * Sends one more try for a waiting caller. It is sent from the calling thread (which may be Lettuce's,
     * having just read a release message) when that cannot block; the reply is handled where it arrives.
     */
    void attempt(Waiter waiter) {
        if (commands.sendsWithoutBlocking()) {
            sendAttempt(waiter);
        } else {
            threads.execute(() -> sendAttempt(waiter));
        }
    }

    private void sendAttempt(Waiter waiter) {
        if (closed) {
            fail(waiter, closedFailure());
            return;
        }
        long sentAt = System.nanoTime();
        var unused = commands.acquire(waiter.keys, waiter.request.mode(), waiter.token, waiter.waits)
                .whenComplete((result, failure) -> settleOrFail(waiter, result, failure, sentAt));
    }

    void complete(Waiter waiter, Optional<Lease> result) {
        threads.execute(() -> waiter.future.complete(result));
    }

    void stopWaiting(Waiter waiter) {
        // Best effort: a marker left behind expires within the marker time.
        var unused = commands.stopWaiting(waiter.keys, waiter.token);
    }

    CompletableFuture<Long> renew(RedisLease lease) {
        return commands.renew(lease.keys(), lease.token());
    }

    /**
     * Gives the lock back: waits for Redis's answer on an ordinary thread; on a thread that must not
     * block, sends the release and returns (should it fail, the lock expires at the end of its lease).
     */
    void releaseInRedis(RedisLease lease) {
        if (closed) {
            throw new LockProviderUnavailableException(lease.request().name(), closedFailure());
        }
        if (NonBlockingThreads.isCurrentThreadNonBlocking()) {
            if (commands.sendsWithoutBlocking()) {
                var unused = commands.release(lease.keys(), lease.token());
            } else {
                threads.execute(() -> {
                    var unused = commands.release(lease.keys(), lease.token());
                });
            }
            return;
        }
        try {
            commands.releaseNow(lease.keys(), lease.token());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new LockProviderUnavailableException(lease.request().name(), cause);
        }
    }

    void leaseLost(RedisLease lease) {
        LockListener listener = options.listener();
        threads.execute(() -> listener.leaseLost(lease));
    }

    @Nullable
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return threads.schedule(task, delay, unit);
    }

    void stopWatching(RedisLease lease) {
        watchdog.forget(lease);
    }

    long watchPeriodNanos() {
        return watchdog.periodNanos();
    }

    long leaseNanos() {
        return leaseNanos;
    }

    /** The renewal interval, or zero when leases are not renewed. */
    long renewNanos() {
        return renewNanos;
    }

    long markerRefreshNanos() {
        return markerRefreshNanos;
    }

    // ---- internals

    /**
     * Registers a waiter and sends its first try, without waiting for the reply. A wait of zero or less is
     * one try: its deadline has passed, and a try under way when the deadline passes still decides.
     */
    private Waiter startWaiting(LockRequest request, Duration maxWait, boolean threadBlocked) {
        requireOpen(request);
        long deadline = System.nanoTime() + saturatedNanos(maxWait);
        LockKeys keys = LockKeys.of(options.prefix(), request);
        Waiter waiter = new Waiter(
                this, request, keys, newToken(), deadline, threadBlocked, maxWait.compareTo(Duration.ZERO) > 0);
        subscription.register(waiter);
        var unused = waiter.future.whenComplete((granted, failure) -> {
            subscription.unregister(waiter);
            waiter.finished(granted != null && granted.isPresent());
        });
        waiter.startDeadline();
        attempt(waiter);
        return waiter;
    }

    private void requireOpen(LockRequest request) {
        if (closed) {
            throw new LockProviderUnavailableException(request.name(), closedFailure());
        }
    }

    private static IllegalStateException closedFailure() {
        return new IllegalStateException("The Redis lock provider was closed");
    }

    private void settleOrFail(Waiter waiter, @Nullable Long result, @Nullable Throwable failure, long sentAt) {
        if (failure != null || result == null) {
            fail(waiter, failure != null ? failure : new IllegalStateException("Redis gave no answer"));
        } else {
            settle(waiter, result, sentAt);
        }
    }

    /**
     * Hands the outcome of a try to the waiter: the lease, or another wait. This runs where Redis's reply
     * arrived, a Lettuce I/O thread: only a blocked thread's future is completed here; a caller's future,
     * which has stages of its own, is completed on the pool.
     */
    private void settle(Waiter waiter, long result, long sentAt) {
        if (result <= 0) {
            waiter.refused(-1 - result);
            return;
        }
        RedisLease lease = grant(waiter.request, waiter.keys, waiter.token, result, sentAt);
        waiter.settled();
        if (waiter.threadBlocked) {
            deliver(waiter, lease);
        } else {
            threads.execute(() -> deliver(waiter, lease));
        }
    }

    private void deliver(Waiter waiter, RedisLease lease) {
        if (!waiter.future.complete(Optional.of(lease))) {
            // The caller stopped waiting meanwhile (deadline, cancel): give the lock straight back.
            threads.execute(() -> {
                try {
                    lease.release();
                } catch (LockProviderUnavailableException e) {
                    // The lease expires in Redis by itself.
                }
            });
        }
    }

    private void fail(Waiter waiter, Throwable failure) {
        waiter.settled();
        if (waiter.future.isDone()) {
            return;
        }
        LockProviderUnavailableException unavailable = unavailable(waiter.request, waiter.keys, waiter.token, failure);
        if (waiter.threadBlocked) {
            waiter.future.completeExceptionally(unavailable);
        } else {
            threads.execute(() -> waiter.future.completeExceptionally(unavailable));
        }
    }

    private RedisLease grant(LockRequest request, LockKeys keys, String token, long fence, long sentAt) {
        RedisLease lease = new RedisLease(this, request, keys, token, fence, sentAt);
        watchdog.watch(lease);
        return lease;
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

    /** Unique across instances (a random prefix per provider) without a random draw per acquisition. */
    private String newToken() {
        return tokenPrefix + Long.toString(tokenCount.incrementAndGet(), 36);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
