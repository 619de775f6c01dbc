package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.LockMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Holders and waiters of one key. Guarded by its own monitor; see {@link InMemoryLockProvider}. */
final class KeyState {

    final LockId id;
    boolean retired;
    private boolean exclusiveHeld;
    private int sharedHolders;
    private @Nullable ArrayDeque<Waiter> waiters;

    KeyState(LockId id) {
        this.id = id;
    }

    /** Whether a newcomer may take the key now: it is free for the mode and nobody waits ahead. */
    boolean canGrantNow(LockMode mode) {
        return (waiters == null || waiters.isEmpty()) && isFreeFor(mode);
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

    void enqueue(Waiter waiter) {
        if (waiters == null) {
            waiters = new ArrayDeque<>(4);
        }
        waiters.addLast(waiter);
    }

    boolean remove(Waiter waiter) {
        return waiters != null && waiters.remove(waiter);
    }

    /** Takes the waiters at the head of the queue that may hold the key now, and counts them as holders. */
    List<Waiter> pollGrantable() {
        if (waiters == null
                || waiters.isEmpty()
                || !isFreeFor(waiters.peekFirst().request.mode())) {
            return List.of();
        }
        List<Waiter> granted = new ArrayList<>(1);
        while (!waiters.isEmpty() && isFreeFor(waiters.peekFirst().request.mode())) {
            Waiter next = waiters.pollFirst();
            hold(next.request.mode());
            granted.add(next);
        }
        return granted;
    }

    boolean isIdle() {
        return !exclusiveHeld && sharedHolders == 0 && (waiters == null || waiters.isEmpty());
    }

    private boolean isFreeFor(LockMode mode) {
        return mode == LockMode.EXCLUSIVE ? !exclusiveHeld && sharedHolders == 0 : !exclusiveHeld;
    }
}
