package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.WaitingRoom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The JVM side of a {@link RedisLockProvider}: its {@link ProviderThreads}, the {@link RedisLockStore}, the
 * {@link WaitingRoom} over it, to which the provider forwards every acquisition, and the {@link
 * ReleaseSubscription} that wakes the room's waiters.
 */
final class RedisRoom {

    private static final long MAX_MARKER_MILLIS = 3_000;

    private final RedisLockOptions options;
    private final ProviderThreads threads = new ProviderThreads();
    private final RedisLockStore store;
    private final WaitingRoom<LockKeys> room;
    private final ReleaseSubscription subscription;

    /** Starts the room: it subscribes to release messages and connects in the background. */
    RedisRoom(RedisConnectionFactory connectionFactory, RedisLockOptions options) {
        Objects.requireNonNull(connectionFactory, "connectionFactory");
        if (!(connectionFactory instanceof ReactiveRedisConnectionFactory reactive)) {
            throw new IllegalArgumentException("RedisLockProvider needs a connection factory that is also a "
                    + "ReactiveRedisConnectionFactory, such as LettuceConnectionFactory; got "
                    + connectionFactory.getClass().getName());
        }
        this.options = Objects.requireNonNull(options, "options");
        long lease = Math.max(1, options.leaseTime().toMillis());
        long marker = Math.min(lease, MAX_MARKER_MILLIS);
        LockCommands commands = new LockCommands(reactive, options.operationTimeout(), lease, marker);
        this.store = new RedisLockStore(
                commands,
                threads,
                options.prefix(),
                TimeUnit.MILLISECONDS.toNanos(lease),
                options.renewEvery().map(Duration::toNanos).orElse(0L),
                marker,
                options.localHandOffs(),
                options.handOffSlice().toNanos(),
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
                },
                options.waitBounds());
        this.subscription = new ReleaseSubscription(
                connectionFactory,
                LockKeys.channelPattern(options.prefix()),
                threads.forSubscription(),
                channel -> signal(LockKeys.ofChannel(channel)),
                room::signalAll,
                store.markerToken());
        subscription.start();
        threads.execute(commands::connect);
    }

    /** The room, as the provider to forward acquisitions to. */
    LockProvider acquisitions() {
        return room;
    }

    /** Completes once the release messages are heard: before, a waiter learns of releases elsewhere late. */
    CompletableFuture<Void> subscribed() {
        return subscription.subscribed();
    }

    /**
     * Refuses new calls, fails the waiters, ends the subscription and stops renewing leases, without
     * waiting for Redis.
     */
    void close() {
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
}
