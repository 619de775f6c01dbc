package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.WaitingRoom;
import java.util.concurrent.CompletableFuture;
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
 * wait for Redis's reply; {@link #acquire} never blocks its caller: every attempt runs on the provider's
 * worker threads, and the future completes on one of its delivery threads. {@code acquireBlocking} makes
 * the first attempt on the calling thread, which blocks anyway, then waits like {@code acquire}. Called on
 * a thread that must not block (a Netty event loop such as Lettuce's, a Reactor non-blocking thread), the
 * blocking methods fail at once rather than wait for a reply that may be due on that very thread, and a
 * release is sent without waiting.
 *
 * <p>When Redis fails or does not answer within the operation timeout, acquisition fails closed with
 * {@link LockProviderUnavailableException}; the provider recovers by itself when Redis is back.
 *
 * <p>Needs a connection factory that also serves reactive connections, such as Lettuce's. The provider
 * does not own the factory; {@link #close()} stops its own threads and subscription.
 */
public final class RedisLockProvider extends ForwardingLockProvider implements AutoCloseable {

    private final RedisLockOptions options;
    private final RedisRoom room;

    /** A provider with the {@linkplain RedisLockOptions#defaults() default options}. */
    public RedisLockProvider(RedisConnectionFactory connectionFactory) {
        this(connectionFactory, RedisLockOptions.defaults());
    }

    /** A provider on {@code connectionFactory}; it subscribes to release messages in the background. */
    public RedisLockProvider(RedisConnectionFactory connectionFactory, RedisLockOptions options) {
        this(new RedisRoom(connectionFactory, options), options);
    }

    private RedisLockProvider(RedisRoom room, RedisLockOptions options) {
        super(room.acquisitions());
        this.room = room;
        this.options = options;
    }

    /** The options this provider was built with. */
    public RedisLockOptions options() {
        return options;
    }

    /** Completes once release messages are heard; tests that time hand-overs between instances wait for it. */
    CompletableFuture<Void> subscribed() {
        return room.subscribed();
    }

    /**
     * Refuses new calls, fails the waiters, ends the subscription and stops renewing leases, without
     * waiting for Redis. Held locks expire in Redis at the end of their lease: releasing one afterwards
     * fails at once.
     */
    @Override
    public void close() {
        room.close();
    }

    @Override
    public String toString() {
        return "RedisLockProvider[" + options + "]";
    }
}
