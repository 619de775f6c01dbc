package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.support.KeyWaiters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Holders and waiters of a key that has readers or waiters; a lone exclusive holder needs no state.
 *
 * <p>The holders live in one atomic {@code int}: a retired bit, an exclusive bit, a queued bit and a
 * count of shared holders. Without waiters, holders come and go by compare-and-set alone. The queued
 * bit is set exactly while {@link #queue} is not empty; both change only under this object's monitor,
 * and while the bit is set every change of the holders happens under the monitor too, because the
 * lock-free paths refuse to act on a state with the bit set. A retired state has left the table for good.
 */
final class KeyState extends KeyEntry {

    static final int RETIRED = 1 << 31;
    static final int EXCLUSIVE = 1 << 30;
    static final int QUEUED = 1 << 29;
    private static final int SHARED_COUNT = QUEUED - 1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(KeyState.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final String key;
    /** The lease that held the key alone until this state replaced it in the table; null if none did. */
    final @Nullable Lease promotedFrom;

    private volatile int state;
    private @Nullable ArrayDeque<Waiter> queue;

    /** The waiting on this key as the bounds count it; changed under this object's monitor. */
    final KeyWaiters waiters = new KeyWaiters();

    /** A state created already held by one holder of {@code mode}. */
    KeyState(String name, String key, int hash, LockMode mode) {
        this(name, key, hash, mode, null);
    }

    private KeyState(String name, String key, int hash, LockMode mode, @Nullable Lease promotedFrom) {
        super(hash);
        this.name = name;
        this.key = key;
        this.promotedFrom = promotedFrom;
        this.state = unit(mode);
    }

    /** The state of a key that {@code soleHolder} holds exclusively, to take its place when others arrive. */
    static KeyState promoting(Lease soleHolder, int hash) {
        return new KeyState(
                soleHolder.request().name(), soleHolder.request().key(), hash, LockMode.EXCLUSIVE, soleHolder);
    }

    @Override
    String name() {
        return name;
    }

    @Override
    String key() {
        return key;
    }

    /** What one holder of {@code mode} adds to the state. */
    static int unit(LockMode mode) {
        return mode == LockMode.EXCLUSIVE ? EXCLUSIVE : 1;
    }

    int state() {
        return state;
    }

    boolean compareAndSet(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** Whether a newcomer in {@code mode} may take a key in state {@code value} at once. */
    static boolean grantableNow(int value, LockMode mode) {
        return (value & (RETIRED | QUEUED)) == 0 && isFreeFor(value, mode);
    }

    static boolean isRetired(int value) {
        return value < 0;
    }

    static boolean isQueued(int value) {
        return (value & QUEUED) != 0;
    }

    // The methods below run under this object's monitor.

    /** Queues {@code waiter}, setting the queued bit; false when the state retired meanwhile. */
    boolean enqueue(Waiter waiter, int observed) {
        if (!isQueued(observed) && !compareAndSet(observed, observed | QUEUED)) {
            return false;
        }
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        queue.addLast(waiter);
        return true;
    }

    /** Removes a holder that released while waiters were queued. */
    void unhold(LockMode mode) {
        STATE.getAndAdd(this, -unit(mode));
    }

    boolean remove(Waiter waiter) {
        return queue != null && queue.remove(waiter);
    }

    /**
     * Takes the waiters at the head of the queue that may hold the key now, counts them as holders, and
     * clears the queued bit when the queue empties.
     */
    List<Waiter> pollGrantable() {
        List<Waiter> granted = List.of();
        ArrayDeque<Waiter> queue = this.queue;
        if (queue == null) {
            return granted;
        }
        while (!queue.isEmpty() && isFreeFor(state, queue.peekFirst().request.mode())) {
            Waiter next = queue.pollFirst();
            STATE.getAndAdd(this, unit(next.request.mode()));
            if (granted.isEmpty()) {
                granted = new ArrayList<>(1);
            }
            granted.add(next);
        }
        if (queue.isEmpty() && isQueued(state)) {
            STATE.getAndAdd(this, -QUEUED);
        }
        return granted;
    }

    /** Retires the state if nobody holds or waits; true when this call retired it. */
    boolean retireIfIdle() {
        return state == 0 && compareAndSet(0, RETIRED);
    }

    private static boolean isFreeFor(int value, LockMode mode) {
        return mode == LockMode.EXCLUSIVE ? (value & (EXCLUSIVE | SHARED_COUNT)) == 0 : (value & EXCLUSIVE) == 0;
    }
}
