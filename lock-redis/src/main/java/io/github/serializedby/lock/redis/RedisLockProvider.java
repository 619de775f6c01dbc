package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.WaitingRoom;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Locks kept in Redis, so that every instance of an application connected to the same Redis excludes the
 * others. Same semantics as the in-memory provider: exclusive and shared modes, a waiting writer is not
 * overtaken by later readers, fencing tokens grow with every acquisition of a key.
 *
 * <p>Each acquisition and each release is one Lua script, one round trip. Waiting parks no thread and
 * happens in this JVM, in the shared {@link WaitingRoom}: waiters of a key queue first come, first
 * served, and only the first one tries Redis again, when a local holder releases, when a release
 * elsewhere is published on the lock's channel, when what stood in its way expires, and every third of
 * the waiting-marker time (which refreshes the markers that make releases publish and hold back other
 * instances' readers); see {@link
 * LockScripts}. While held, a lease is renewed by the {@link LeaseWatchdog} about every {@link
 * RedisLockOptions#renewEvery()}; when a renewal finds the lock gone, or the lease runs out unrenewed, the
 * lease turns invalid and the listener hears {@link LockListener#leaseLost}. A lease is no guarantee under
 * long pauses or a Redis fail-over; the fencing token is.
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
 */
public final class RedisLockProvider implements LockProvider, AutoCloseable {

    private static final long MAX_MARKER_MILLIS = 3_000;

    private final RedisLockOptions options;
    private final ProviderThreads threads = new ProviderThreads();
    private final LockCommands commands;
    private final RedisLockStore store;
    private final WaitingRoom<LockKeys> room;
    private final ReleaseSubscription subscription;

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
        this.store = new RedisLockStore(
                commands,
                threads,
                options.prefix(),
                TimeUnit.MILLISECONDS.toNanos(lease),
                options.renewEvery().map(Duration::toNanos).orElse(0L),
                marker,
                this::signal);
        threads.scheduleEvery(store::sweep, store.watchPeriodNanos(), TimeUnit.NANOSECONDS);
        // A refused waiter's markers live `marker` ms: the first waiter retries, refreshing them, thrice as often.
        this.room = new WaitingRoom<>(
                store,
                threads.workers(),
                threads.delivery(),
                threads.timer(),
                Duration.ofMillis(store.recheckMillis()),
                new LockListener() {
                    @Override
                    public void leaseLost(Lease lease) {
                        lost(lease);
                    }
                });
        this.subscription = new ReleaseSubscription(
                connectionFactory,
                LockKeys.channelPattern(options.prefix()),
                threads.forSubscription(),
                channel -> signal(LockKeys.ofChannel(channel)),
                room::signalAll);
        subscription.start();
        threads.execute(commands::connect);
    }

    /** The options this provider was built with. */
    public RedisLockOptions options() {
        return options;
    }

    @Override
    public Optional<Lease> tryAcquire(LockRequest request) {
        return room.tryAcquire(request);
    }

    /**
     * Makes no Redis call on the calling thread: every attempt runs on the provider's worker threads, and
     * the future completes on one of its delivery threads.
     */
    @Override
    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
        return room.acquire(request, maxWait);
    }

    /** Makes the first attempt on the calling thread, which blocks anyway, then waits like {@link #acquire}. */
    @Override
    public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
        return room.firstAttemptOnCaller().acquireBlocking(request, maxWait);
    }

    /**
     * Refuses new calls, fails the waiters, ends the subscription and stops renewing leases, without
     * waiting for Redis. Held locks expire in Redis at the end of their lease: releasing one afterwards
     * fails at once.
     */
    @Override
    public void close() {
        room.close();
        store.close();
        subscription.close();
        threads.shutdown();
    }

    /** Something may have freed {@code keys}: its first local waiter tries again. */
    private void signal(LockKeys keys) {
        room.signal(keys);
    }

    /**
     * Tells the listener, then frees the key in this JVM: the room counts a lease as a local holder until
     * it is released, and a lost lease holds nothing in Redis, so the next waiter may take the lock now.
     * The owner's own release later does nothing.
     */
    private void lost(Lease lease) {
        try {
            options.listener().leaseLost(lease);
        } finally {
            lease.release();
        }
    }

    @Override
    public String toString() {
        return "RedisLockProvider[" + options + "]";
    }
}
