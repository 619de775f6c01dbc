package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockHandle;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.LockUpgradeException;
import io.github.serializedby.lock.support.NonBlockingThreads;
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
 * re-enters instead of waiting for itself.
 */
final class ReactorLocking implements ReactiveLocking {

    private static final String HELD = ReactorLocking.class.getName() + ".held";

    private final Supplier<LockExecutor> executor;

    ReactorLocking(Supplier<LockExecutor> executor) {
        this.executor = executor;
    }

    @Override
    public Object lock(LockSpec spec, MethodInvocation invocation, ReturnKind kind) {
        if (kind == ReturnKind.MONO) {
            return Mono.deferContextual(context -> {
                HeldLocks held = heldIn(context);
                LockSpec missing = held.missing(spec);
                if (missing == null) {
                    return Mono.from(proceed(invocation));
                }
                return Mono.usingWhen(
                        Mono.fromFuture(() -> executor.get().acquireAsync(missing), false),
                        handle -> Mono.from(proceed(invocation)).contextWrite(c -> c.put(HELD, held.with(handle))),
                        ReactorLocking::release,
                        (handle, error) -> release(handle),
                        ReactorLocking::release);
            });
        }
        return Flux.deferContextual(context -> {
            HeldLocks held = heldIn(context);
            LockSpec missing = held.missing(spec);
            if (missing == null) {
                return Flux.from(proceed(invocation));
            }
            return Flux.usingWhen(
                    Mono.fromFuture(() -> executor.get().acquireAsync(missing), false),
                    handle -> Flux.from(proceed(invocation)).contextWrite(c -> c.put(HELD, held.with(handle))),
                    ReactorLocking::release,
                    (handle, error) -> release(handle),
                    ReactorLocking::release);
        });
    }

    /** What the chain holds already; read with {@code get}, which never gives null, as NullAway can see. */
    private static HeldLocks heldIn(ContextView context) {
        return context.hasKey(HELD) ? context.get(HELD) : HeldLocks.NONE;
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
    private static Mono<Void> release(LockHandle handle) {
        return Mono.defer(() -> {
            Mono<Void> release = Mono.fromRunnable(handle::release);
            return NonBlockingThreads.isCurrentThreadNonBlocking()
                    ? release.subscribeOn(Schedulers.boundedElastic())
                    : release;
        });
    }

    /** Calls the method; each subscription gets its own invocation, as a retry needs. */
    @SuppressWarnings("unchecked")
    private static Publisher<Object> proceed(MethodInvocation invocation) {
        try {
            MethodInvocation call =
                    invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
            Object result = call.proceed();
            return result == null ? Mono.empty() : (Publisher<Object>) result;
        } catch (Throwable e) {
            return Mono.error(e);
        }
    }

    /** The (name, key) pairs a reactive chain holds, with the mode of each. */
    private record HeldLocks(List<LockHandle> handles) {

        static final HeldLocks NONE = new HeldLocks(List.of());

        HeldLocks with(LockHandle handle) {
            List<LockHandle> more = new ArrayList<>(handles);
            more.add(handle);
            return new HeldLocks(List.copyOf(more));
        }

        /** The part of {@code spec} this chain does not hold yet; null when it holds all of it. */
        @Nullable
        LockSpec missing(LockSpec spec) {
            if (handles.isEmpty()) {
                return spec;
            }
            List<String> keys = new ArrayList<>();
            for (String key : spec.keys()) {
                var outer = handles.stream()
                        .flatMap(handle -> handle.leases().stream())
                        .filter(lease -> lease.request().name().equals(spec.name())
                                && lease.request().key().equals(key))
                        .findFirst();
                if (outer.isEmpty()) {
                    keys.add(key);
                } else if (!outer.get().request().mode().covers(spec.mode())) {
                    throw new LockUpgradeException(spec.name());
                }
            }
            return keys.isEmpty()
                    ? null
                    : new LockSpec(spec.name(), keys, spec.mode(), spec.policy(), spec.waitTimeout());
        }
    }
}
