package io.github.serializedby.lock.support;

import io.github.serializedby.lock.LockMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What this JVM knows of one key of a {@link WaitingRoom}: its local holders (counting attempts in
 * flight), its queue of waiters, and whether a pump runs for it. Guarded by its own monitor.
 */
final class KeyState<K> {

    final K key;
    boolean retired;
    boolean pumping;
    boolean pumpAgain;
    boolean recheckScheduled;

    /** The shared hold local readers may join, if any. */
    @Nullable
    HoldGroup sharedGroup;

    /** The waiting on this key as {@link WaitBounds} counts it. */
    final KeyWaiters waiting = new KeyWaiters();

    /** Counts releases and notifications, so that an attempt can tell whether it raced with one. */
    long signals;

    /**
     * Set when this JVM gave the lock back for another process to take first: until a signal comes (that
     * process released it, or gave up waiting) or {@link #othersFirstUntil} passes, no waiter of this key
     * tries the store.
     */
    boolean othersFirst;

    /** When ({@link System#nanoTime()}) waiters try again without a signal after {@link #othersFirst}. */
    long othersFirstUntil;

    private boolean exclusiveHeld;
    private int sharedHolders;
    private final ArrayDeque<Waiter<K>> waiters = new ArrayDeque<>(2);

    KeyState(K key) {
        this.key = key;
    }

    /** Whether a newcomer may try the database now: nobody waits ahead and no local holder excludes it. */
    boolean canTryNow(LockMode mode) {
        return waiters.isEmpty() && isLocallyFreeFor(mode);
    }

    void hold(LockMode mode) {
        if (mode == LockMode.EXCLUSIVE) {
            exclusiveHeld = true;
        } else {
            sharedHolders++;
        }
    }

    void unhold(LockMode mode) {
        if (mode == LockMode.EXCLUSIVE) {
            exclusiveHeld = false;
        } else {
            sharedHolders--;
        }
    }

    void enqueue(Waiter<K> waiter) {
        waiters.addLast(waiter);
    }

    void requeueFirst(Waiter<K> waiter) {
        waiters.addFirst(waiter);
    }

    boolean remove(Waiter<K> waiter) {
        return waiters.remove(waiter);
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    boolean isFirst(Waiter<K> waiter) {
        return waiters.peekFirst() == waiter;
    }

    /**
     * Drops waiters that are done, moves expired waiters that cannot be tried now into {@code expired},
     * and takes the first waiter if no local holder excludes it, counting it as a holder.
     */
    @Nullable
    Waiter<K> pollTryable(List<Waiter<K>> expired) {
        Iterator<Waiter<K>> queue = waiters.iterator();
        boolean first = true;
        while (queue.hasNext()) {
            Waiter<K> waiter = queue.next();
            if (waiter.future.isDone()) {
                queue.remove();
            } else if (waiter.expired && !(first && isLocallyFreeFor(waiter.request.mode()))) {
                queue.remove();
                expired.add(waiter);
            } else {
                first = false;
            }
        }
        Waiter<K> head = waiters.peekFirst();
        if (head == null || !isLocallyFreeFor(head.request.mode())) {
            return null;
        }
        waiters.pollFirst();
        hold(head.request.mode());
        return head;
    }

    /** Drops waiters that are done and moves those whose wait ran out into {@code expired}. */
    void dropExpired(List<Waiter<K>> expired) {
        Iterator<Waiter<K>> queue = waiters.iterator();
        while (queue.hasNext()) {
            Waiter<K> waiter = queue.next();
            if (waiter.future.isDone()) {
                queue.remove();
            } else if (waiter.expired) {
                queue.remove();
                expired.add(waiter);
            }
        }
    }

    /** Whether this JVM still lets another process go first ({@link #othersFirst}); clears it once over. */
    boolean lettingOthersFirst() {
        if (othersFirst && System.nanoTime() - othersFirstUntil < 0) {
            return true;
        }
        othersFirst = false;
        return false;
    }

    /**
     * The first waiter, after dropping waiters that are done, if it is a writer whose wait has not run
     * out: the one a releasing writer may pass its lock to. Null otherwise.
     */
    @Nullable
    Waiter<K> firstWriter() {
        Waiter<K> head = waiters.peekFirst();
        while (head != null && head.future.isDone()) {
            waiters.pollFirst();
            head = waiters.peekFirst();
        }
        return head == null || head.expired || head.request.mode() != LockMode.EXCLUSIVE ? null : head;
    }

    /** Takes the first waiter off the queue; the exclusive hold passes to it without a change of count. */
    void passTo(Waiter<K> first) {
        Waiter<K> polled = waiters.pollFirst();
        assert polled == first;
    }

    List<Waiter<K>> drainWaiters() {
        List<Waiter<K>> drained = new ArrayList<>(waiters);
        waiters.clear();
        return drained;
    }

    boolean isIdle() {
        return !exclusiveHeld && sharedHolders == 0 && waiters.isEmpty() && !pumping;
    }

    private boolean isLocallyFreeFor(LockMode mode) {
        return mode == LockMode.EXCLUSIVE ? !exclusiveHeld && sharedHolders == 0 : !exclusiveHeld;
    }
}
