package io.github.serializedby.lock.support;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProviderUnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Completes the futures of a {@link WaitingRoom}'s callers where their continuations may run. A future
 * whose caller blocks on it (it has no stages) is completed on the thread that found the answer; any
 * other on the delivery executor, never on the workers or the timer, on which every key's attempts,
 * hand-overs and deadlines depend. A continuation that blocks thus holds a delivery thread, not the room.
 */
final class Delivery {

    private final Executor executor;

    Delivery(Executor executor) {
        this.executor = executor;
    }

    /** Completes {@code future} with {@code granted}; a lease its caller no longer waits for is released. */
    void grant(CompletableFuture<Optional<Lease>> future, boolean direct, Optional<Lease> granted) {
        run(direct, () -> {
            if (!future.complete(granted)) {
                granted.ifPresent(Delivery::giveBack);
            }
        });
    }

    /** Releases a lease nobody waits for; one the closed store refuses expires in the store by itself. */
    private static void giveBack(Lease lease) {
        try {
            lease.release();
        } catch (LockProviderUnavailableException e) {
            // closed: nothing to answer, and the pump that found the lease must go on
        }
    }

    void fail(CompletableFuture<Optional<Lease>> future, boolean direct, Throwable failure) {
        run(direct, () -> future.completeExceptionally(failure));
    }

    private void run(boolean direct, Runnable completion) {
        if (direct) {
            completion.run();
            return;
        }
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            // the provider is closing: an answer late on this thread beats a caller never answered
            completion.run();
        }
    }
}
