package io.github.serializedby.lock.memory;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A queued request and the future its caller holds. */
final class Waiter {

    final LockRequest request;
    final KeyState state;
    final CompletableFuture<Optional<Lease>> future = new CompletableFuture<>();

    Waiter(LockRequest request, KeyState state) {
        this.request = request;
        this.state = state;
    }
}
