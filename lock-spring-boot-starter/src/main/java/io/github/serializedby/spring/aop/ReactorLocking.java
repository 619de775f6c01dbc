package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockHandle;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.github.serializedby.spring.HeldLocksContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.aop.ProxyMethodInvocation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Locks Reactor {@code Mono} and {@code Flux} methods: the locks are taken on subscription without
 * blocking a thread, held until completion, error or cancellation, and released exactly once. Locks a
 * reactive chain holds are recorded in its Reactor context, so a nested locked call in the same chain
 * re-enters, by the executor's rule, instead of waiting for itself.
 */
final class ReactorLocking implements ReactiveLocking {

    private final Supplier<LockExecutor> executor;

    ReactorLocking(Supplier<LockExecutor> executor) {
        this.executor = executor;
    }

    @Override
    public Object lock(LockSpec spec, MethodInvocation invocation, ReturnKind kind, LeaseParameter parameter) {
        if (kind == ReturnKind.MONO) {
            return Mono.deferContextual(context -> {
                HeldLocks held = heldIn(context);
                return Mono.usingWhen(
                        acquire(spec, held),
                        handle -> Mono.fromDirect(proceedHolding(invocation, with(held, handle), spec, parameter)),
                        ReactorLocking::release,
                        (handle, error) -> release(handle),
                        ReactorLocking::release);
            });
        }
        return Flux.deferContextual(context -> {
            HeldLocks held = heldIn(context);
            return Flux.usingWhen(
                    acquire(spec, held),
                    handle -> proceedHolding(invocation, with(held, handle), spec, parameter),
                    ReactorLocking::release,
                    (handle, error) -> release(handle),
                    ReactorLocking::release);
        });
    }

    /**
     * Takes the keys of {@code spec} the chain does not hold yet, by the executor's re-entry rule, without
     * blocking; a key the chain holds is not taken again.
     */
    private Mono<LockHandle> acquire(LockSpec spec, HeldLocks held) {
        // A handle that arrives just as the subscriber cancels is discarded by Reactor, not given to
        // usingWhen: release it then, or its keys stay held.
        return Mono.fromFuture(() -> executor.get().acquireAsync(spec, held.leases()), false)
                .doOnDiscard(LockHandle.class, handle -> release(handle).subscribe());
    }

    /** What the chain holds already, the keys a WebFlux request holds for its handler included. */
    private static HeldLocks heldIn(ContextView context) {
        HeldLocks held = HeldLocksContext.from(context);
        return held.isEmpty() ? HeldLocks.of(RequestHold.heldBy(context)) : held;
    }

    @Override
    public Object refuse(RuntimeException failure, ReturnKind kind) {
        return kind == ReturnKind.MONO ? Mono.error(failure) : Flux.error(failure);
    }

    /**
     * Releases on the thread that ended the chain, unless that thread must not block (a Netty event loop,
     * a Reactor non-blocking thread): a provider's release may wait for its store (JDBC, Redis), so it then
     * runs on the bounded elastic scheduler. Either way the chain goes on once the locks are released.
     */
    static Mono<Void> release(LockHandle handle) {
        if (handle.leases().isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            Mono<Void> release = Mono.fromRunnable(handle::release);
            return NonBlockingThreads.isCurrentThreadNonBlocking()
                    ? release.subscribeOn(Schedulers.boundedElastic())
                    : release;
        });
    }

    /**
     * The method's publisher, run holding {@code held}: in its Reactor context, for a nested reactive call,
     * and lent to the executor's chain of the subscribing thread while the method is called and subscribed
     * to, for a blocking call it makes there; either re-enters instead of waiting for its own keys. Another
     * pipeline subscribed meanwhile (a hot sink's subscriber) has neither and waits for them; a blocking
     * call such a subscriber makes on this thread cannot wait and re-enters, as the executor says.
     */
    private Flux<Object> proceedHolding(
            MethodInvocation invocation, HeldLocks held, LockSpec spec, LeaseParameter parameter) {
        Publisher<Object> holding =
                subscriber -> executor.get().<@Nullable Void, RuntimeException>executeHolding(held.leases(), () -> {
                    proceed(invocation, held, spec, parameter).subscribe(subscriber);
                    return null;
                });
        return Flux.from(holding).contextWrite(c -> c.put(HeldLocksContext.KEY, held));
    }

    /** Calls the method; each subscription gets its own invocation, as a retry needs. */
    @SuppressWarnings("unchecked")
    private static Publisher<Object> proceed(
            MethodInvocation invocation, HeldLocks held, LockSpec spec, LeaseParameter parameter) {
        try {
            MethodInvocation call =
                    invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
            if (parameter.present()) {
                parameter.fill(call.getArguments(), spec, held::find);
            }
            Object result = call.proceed();
            return result == null ? Mono.empty() : (Publisher<Object>) result;
        } catch (Throwable e) {
            return Mono.error(e);
        }
    }

    /** What a reactive chain holds with {@code handle}'s leases added after those it held. */
    private static HeldLocks with(HeldLocks held, LockHandle handle) {
        if (handle.leases().isEmpty()) {
            return held;
        }
        List<Lease> more = new ArrayList<>(held.leases());
        more.addAll(handle.leases());
        return HeldLocks.of(more);
    }
}
