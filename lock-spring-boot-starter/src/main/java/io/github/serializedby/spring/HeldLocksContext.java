package io.github.serializedby.spring;

import io.github.serializedby.lock.HeldLocks;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * The leases a Reactor chain holds, read from its subscriber context: inside a {@code @SerializedBy}
 * method returning {@code Mono} or {@code Flux}, the operators it assembles see the locks of the call
 * (and of the calls it is nested in), whatever thread they run on. {@link HeldLocks#current()} is bound
 * to a thread and does not follow a reactive chain across threads; this does.
 *
 * <pre>{@code
 * @SerializedBy("#id")
 * Mono<Void> save(String id, Data data) {
 *     return HeldLocksContext.current().flatMap(held -> store.write(id, data, held.token(id)));
 * }
 * }</pre>
 *
 * <p>A Kotlin {@code suspend} method is locked as a {@code Mono}: read {@code
 * coroutineContext[ReactorContext]?.context} and pass it to {@link #from(ContextView)}.
 */
public final class HeldLocksContext {

    /** The context key under which a locked chain keeps its {@link HeldLocks}. */
    public static final Class<HeldLocks> KEY = HeldLocks.class;

    private HeldLocksContext() {}

    /** What the subscribing chain holds; empty outside any locked chain. */
    public static Mono<HeldLocks> current() {
        return Mono.deferContextual(context -> Mono.just(from(context)));
    }

    /** What a chain with {@code context} holds; empty outside any locked chain. */
    public static HeldLocks from(ContextView context) {
        return context.<HeldLocks>getOrEmpty(KEY).orElseGet(() -> HeldLocks.of(List.of()));
    }
}
