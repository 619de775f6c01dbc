package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockHandle;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.support.LeaseFutures;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.github.serializedby.spring.HeldLocksContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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

    /** In a subscription's {@code taken}: the subscriber cancelled before it claimed the handle. */
    private static final Object CANCELLED = new Object();

    /** In a subscription's {@code taken}: the subscriber holds the handle, and releases it. */
    private static final Object CLAIMED = new Object();

    private final Supplier<LockExecutor> executor;

    ReactorLocking(Supplier<LockExecutor> executor) {
        this.executor = executor;
    }

    @Override
    public Object lock(LockSpec spec, MethodInvocation invocation, ReturnKind kind, LeaseParameter parameter) {
        if (kind == ReturnKind.MONO) {
            return Mono.deferContextual(context -> {
                HeldLocks held = heldIn(context);
                return acquireThen(
                        () -> executor.get().acquireAsync(spec, held.leases()),
                        granted -> Mono.usingWhen(
                                Mono.just(granted),
                                handle -> Mono.fromDirect(
                                        proceedHolding(invocation, with(held, handle), spec, parameter)),
                                ReactorLocking::release,
                                (handle, error) -> release(handle),
                                ReactorLocking::release));
            });
        }
        return Flux.deferContextual(context -> {
            HeldLocks held = heldIn(context);
            return acquireThenMany(
                    () -> executor.get().acquireAsync(spec, held.leases()),
                    granted -> Flux.usingWhen(
                            Mono.just(granted),
                            handle -> proceedHolding(invocation, with(held, handle), spec, parameter),
                            ReactorLocking::release,
                            (handle, error) -> release(handle),
                            ReactorLocking::release));
        });
    }

    /**
     * Acquires by {@code acquiring} without blocking and gives the handle to {@code use}, which from then on
     * releases it; a handle granted as the subscriber cancels, before {@code use} has it, is released here.
     * Reactor's discarding misses a value that arrives as its subscriber cancels, or, from a future, before
     * its subscriber requested; and usingWhen, given a resource that arrives later, may lose it to a
     * cancellation racing its arrival, so {@code use} gets the handle already claimed. Each subscription
     * acquires anew, with a claim of its own, so a retried or repeated chain locks again.
     */
    static <T> Mono<T> acquireThen(
            Supplier<CompletableFuture<LockHandle>> acquiring, Function<LockHandle, Mono<T>> use) {
        return Mono.defer(() -> {
            AtomicReference<@Nullable Object> taken = new AtomicReference<>();
            return acquire(acquiring, taken)
                    .flatMap(granted -> claim(taken, granted) ? use.apply(granted) : Mono.empty());
        });
    }

    /** {@link #acquireThen} for a {@code Flux}. */
    static <T> Flux<T> acquireThenMany(
            Supplier<CompletableFuture<LockHandle>> acquiring, Function<LockHandle, Flux<T>> use) {
        return Flux.defer(() -> {
            AtomicReference<@Nullable Object> taken = new AtomicReference<>();
            return acquire(acquiring, taken)
                    .flatMapMany(granted -> claim(taken, granted) ? use.apply(granted) : Flux.empty());
        });
    }

    /**
     * The handle {@code acquiring} grants, passed on through {@code taken}, and released here when the
     * subscriber cancels before {@link #claim} took it over.
     */
    private static Mono<LockHandle> acquire(
            Supplier<CompletableFuture<LockHandle>> acquiring, AtomicReference<@Nullable Object> taken) {
        return Mono.create(sink -> {
            CompletableFuture<LockHandle> acquired = acquiring.get();
            sink.onCancel(() -> {
                acquired.cancel(false);
                if (taken.getAndSet(CANCELLED) instanceof LockHandle handle) {
                    release(handle).subscribe();
                }
            });
            acquired.whenComplete((handle, failure) -> {
                if (failure != null) {
                    sink.error(LeaseFutures.cause(failure));
                } else if (taken.compareAndSet(null, handle)) {
                    sink.success(handle);
                } else {
                    release(handle).subscribe();
                }
            });
        });
    }

    /** Whether the subscriber takes {@code handle} over from {@link #acquire}, which then no longer releases it. */
    private static boolean claim(AtomicReference<@Nullable Object> taken, LockHandle handle) {
        return taken.compareAndSet(handle, CLAIMED);
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
