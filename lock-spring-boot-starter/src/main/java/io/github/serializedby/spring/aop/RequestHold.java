package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The keys one WebFlux request holds for its handler, from {@link WebFluxRequestLockAdapter}: none until
 * the adapter takes them, none again once released. Kept apart from the adapter, which needs WebFlux, so
 * that {@link ReactorLocking} can look for it where WebFlux is absent.
 */
final class RequestHold {

    private static final Object RELEASED = new Object();

    /** Null, then the handle taken, then {@link #RELEASED}. */
    private final AtomicReference<@Nullable Object> state = new AtomicReference<>();

    /** The leases the request of {@code context} holds for its handler, for the handler's own lock to re-enter. */
    static List<Lease> heldBy(ContextView context) {
        RequestHold hold = context.getOrDefault(RequestHold.class, null);
        return hold == null ? List.of() : hold.leases();
    }

    /** Keeps {@code taken} until the request ends; releases it at once when the request already has. */
    void keep(LockHandle taken) {
        if (!state.compareAndSet(null, taken)) {
            ReactorLocking.release(taken).subscribe();
        }
    }

    List<Lease> leases() {
        return state.get() instanceof LockHandle held ? held.leases() : List.of();
    }

    Mono<Void> release() {
        return state.getAndSet(RELEASED) instanceof LockHandle held ? ReactorLocking.release(held) : Mono.empty();
    }
}
