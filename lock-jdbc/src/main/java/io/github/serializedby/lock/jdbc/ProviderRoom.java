package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitingRoom;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JVM side of a JDBC provider: its {@link ProviderThreads} and the {@link WaitingRoom} over its store,
 * to which the provider forwards every acquisition. Internal to lock-jdbc, public only for its provider
 * packages; not API.
 *
 * @param <S> the provider's store
 */
public final class ProviderRoom<S extends LockStore<Long>> {

    /** Makes the provider's store, which may use the room's threads and wake its waiters. */
    @FunctionalInterface
    public interface StoreFactory<S> {

        /**
         * @param workers the threads that make the attempts of waiters
         * @param timer the one timer thread; its tasks must hand their work to {@code workers}
         * @param signalAll makes the first waiter of every key try again
         */
        S create(Executor workers, ScheduledExecutorService timer, Runnable signalAll);
    }

    private final ProviderThreads threads;
    private final S store;
    private final WaitingRoom<Long> room;

    /**
     * A room over the store {@code stores} makes.
     *
     * @param threadPrefix the start of the names of the provider's threads
     * @param deliveryThreads how many asynchronous callers' continuations may block at once before others
     *     wait for their answer
     * @param recheckInterval how often the first waiter of a key tries again without a signal
     * @param waitBounds bounds on the callers that wait in this JVM
     */
    public ProviderRoom(
            String threadPrefix,
            int workerThreads,
            int deliveryThreads,
            Duration recheckInterval,
            LockListener listener,
            WaitBounds waitBounds,
            StoreFactory<S> stores) {
        threads = new ProviderThreads(threadPrefix, workerThreads, deliveryThreads);
        store = stores.create(threads.workers, threads.timer, this::signalAll);
        room = new WaitingRoom<>(
                store, threads.workers, threads.delivery, threads.timer, recheckInterval, listener, waitBounds);
    }

    /** The store this room takes locks in. */
    public S store() {
        return store;
    }

    /**
     * The room, as the provider to forward acquisitions to: {@code acquire} makes no database call on the
     * calling thread and completes on a delivery thread; {@code acquireBlocking} makes the first attempt on
     * the calling thread, which blocks anyway.
     */
    public LockProvider acquisitions() {
        return room;
    }

    /** A release elsewhere may have freed the lock {@code lockId}: its first waiter tries again. */
    public void signal(long lockId) {
        room.signal(lockId);
    }

    /** Every waiter tries again: something changed for every key. */
    public void signalAll() {
        room.signalAll();
    }

    /**
     * Runs the provider's start-up {@code check}; when it throws, closes this room with {@code parts}, as
     * {@link #close} does, and rethrows, so a provider that fails to start leaves no thread behind.
     */
    public void checkOrClose(Runnable check, Runnable... parts) {
        try {
            check.run();
        } catch (RuntimeException e) {
            close(parts);
            throw e;
        }
    }

    /**
     * Fails the waiters, and every later call at once, with {@link
     * io.github.serializedby.lock.LockProviderUnavailableException}; then closes {@code parts} in order,
     * and stops the threads.
     */
    public void close(Runnable... parts) {
        room.close();
        for (Runnable part : parts) {
            part.run();
        }
        threads.close();
    }

    /** {@code name[held=..., activeKeys=...]}, with the number of locks the store holds now. */
    public String describe(String name, int held) {
        return name + "[held=" + held + ", activeKeys=" + room.activeKeyCount() + "]";
    }

    /** Checks a duration option of a provider's builder. */
    public static Duration positive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return duration;
    }

    /** Checks a count option of a provider's builder. */
    public static int atLeastOne(int count, String name) {
        if (count < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return count;
    }
}
