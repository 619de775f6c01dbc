package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A queued request, the future its caller holds, and whether its wait has run out. */
final class Waiter {

    final LockRequest request;
    final KeyState state;
    final CompletableFuture<Optional<Lease>> future = new CompletableFuture<>();

    /** Set by the deadline timer; the waiter then gets one last attempt if it is next in line. */
    volatile boolean expired;

    Waiter(LockRequest request, KeyState state) {
        this.request = request;
        this.state = state;
    }
}
