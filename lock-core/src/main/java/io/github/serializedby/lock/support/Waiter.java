package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A queued request, the future its caller holds, and whether its wait has run out. */
final class Waiter<K> {

    final LockRequest request;
    final KeyState<K> state;
    final CompletableFuture<Optional<Lease>> future = new CompletableFuture<>();

    /** Whether the caller blocks on {@link #future}, which then has no stages to run: see {@link Delivery}. */
    final boolean direct;

    /** Whether {@link WaitBounds} counts this waiter; guarded by its state's monitor. */
    boolean counted;

    /** Set by the deadline timer; the waiter then gets one last attempt if it is next in line. */
    volatile boolean expired;

    private final AtomicBoolean entrySettled = new AtomicBoolean();

    Waiter(LockRequest request, KeyState<K> state, boolean direct) {
        this.request = request;
        this.state = state;
        this.direct = direct;
    }

    /**
     * Claims the settling of this waiter's entry into the room: true for the first caller only, either
     * the worker that makes its first attempt or its cancellation before that.
     */
    boolean claimEntry() {
        return entrySettled.compareAndSet(false, true);
    }
}
