package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Gives granted waiters their leases, on the releasing thread, without the stack growing with the queue.
 *
 * <p>An asynchronous waiter's continuation runs when its future completes, and often releases the lease
 * it got, which hands the key to the next waiter: completed there and then, every waiter in the queue
 * would add its frames to the stack. So a hand-over made while the thread is already handing over is
 * queued, and the outermost hand-over completes the queued ones in order, one after the other (a
 * trampoline); the stack stays as deep as one hand-over, whatever the queue. The key's state is updated
 * before a hand-over starts, so no continuation, even one that throws, can leave it inconsistent.
 *
 * <p>A blocking waiter is completed at once even then: its completion runs no code of the caller, it
 * only wakes the parked thread. A continuation that blocks until a later asynchronous waiter of the same
 * thread's hand-overs has run waits for ever; continuations must not block, as everywhere in {@code
 * CompletableFuture}.
 */
final class HandOvers {

    private static final ThreadLocal<HandOvers> OF_THREAD = ThreadLocal.withInitial(HandOvers::new);

    private boolean running;
    /** Waiters and their leases, alternately, deferred by nested hand-overs; null while none were. */
    private @Nullable ArrayDeque<Object> deferred;

    private HandOvers() {}

    /**
     * Completes each waiter's future with its lease, in order; a waiter that left meanwhile gives its
     * lease back. Every waiter is served even if a completion throws; the first failure is rethrown at
     * the end.
     */
    static void handOver(List<Waiter> waiters, List<? extends Lease> leases) {
        if (waiters.isEmpty()) {
            return;
        }
        HandOvers current = OF_THREAD.get();
        if (current.running) {
            current.defer(waiters, leases);
            return;
        }
        current.running = true;
        Throwable failure = null;
        try {
            for (int i = 0; i < waiters.size(); i++) {
                failure = complete(waiters.get(i), leases.get(i), failure);
            }
            ArrayDeque<Object> queue;
            while ((queue = current.deferred) != null && !queue.isEmpty()) {
                Waiter waiter = (Waiter) queue.pollFirst();
                Lease lease = (Lease) queue.pollFirst();
                failure = complete(waiter, lease, failure);
            }
        } finally {
            current.deferred = null;
            current.running = false;
        }
        rethrow(failure);
    }

    private static void rethrow(@Nullable Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    private void defer(List<Waiter> waiters, List<? extends Lease> leases) {
        for (int i = 0; i < waiters.size(); i++) {
            Waiter waiter = waiters.get(i);
            if (waiter.blocking) {
                rethrow(complete(waiter, leases.get(i), null));
                continue;
            }
            ArrayDeque<Object> queue = deferred;
            if (queue == null) {
                queue = new ArrayDeque<>();
                deferred = queue;
            }
            queue.addLast(waiter);
            queue.addLast(leases.get(i));
        }
    }

    /** Completes one waiter; returns the first failure so far, which a failure here is added to. */
    private static @Nullable Throwable complete(Waiter waiter, Lease lease, @Nullable Throwable earlier) {
        try {
            if (!waiter.future.complete(Optional.of(lease))) {
                lease.release();
            }
            return earlier;
        } catch (Throwable e) {
            if (!delivered(waiter, lease)) {
                lease.release();
            }
            if (earlier == null) {
                return e;
            }
            earlier.addSuppressed(e);
            return earlier;
        }
    }

    private static boolean delivered(Waiter waiter, Lease lease) {
        return waiter.future.isDone()
                && !waiter.future.isCompletedExceptionally()
                && waiter.future.join().orElse(null) == lease;
    }
}
