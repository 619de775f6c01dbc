package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockSpec;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Runs a {@code @SerializedBy} method under its locks, through the {@link LockExecutor}: until it returns, until
 * its {@code CompletableFuture} completes, or for the life of its {@code Mono} or {@code Flux}. A key that
 * is refused (null, blank, too long, not valid text) or a key expression that fails is thrown, or for a {@code
 * Mono} or {@code Flux} signalled as its error; the method does not run.
 */
public final class SerializedByInterceptor implements MethodInterceptor {

    private static final boolean REACTOR_PRESENT =
            ClassUtils.isPresent("reactor.core.publisher.Mono", SerializedByInterceptor.class.getClassLoader());

    private final LockedMethods methods;
    private final Supplier<LockExecutor> executor;
    private final @Nullable ReactiveLocking reactive;

    /**
     * @param methods the compiled methods
     * @param executor supplies the executor on first use, so that creating the advisor does not create
     *     the provider early
     */
    public SerializedByInterceptor(LockedMethods methods, Supplier<LockExecutor> executor) {
        this.methods = methods;
        this.executor = executor;
        this.reactive = REACTOR_PRESENT ? new ReactorLocking(executor) : null;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        LockedMethod method = methods.get(invocation.getMethod(), target);
        if (method.kind() == ReturnKind.VALUE) {
            if (method.fenced()) {
                return fenced(method, invocation, target);
            }
            return method.execute(executor.get(), invocation.getArguments(), target, invocation::proceed);
        }
        if (method.kind() == ReturnKind.COMPLETION_STAGE) {
            LockSpec spec = method.specFor(invocation.getArguments(), target);
            LockExecutor locks = executor.get();
            return locks.executeAsync(spec, () -> {
                if (method.leaseParameter().present()) {
                    method.leaseParameter().fill(invocation.getArguments(), spec, locks::heldByCurrentThread);
                }
                return stage(invocation.proceed());
            });
        }
        if (reactive == null) {
            throw new IllegalStateException("Reactor is needed to lock " + invocation.getMethod());
        }
        LockSpec spec;
        try {
            spec = method.specFor(invocation.getArguments(), target);
        } catch (RuntimeException e) {
            // a refused key, an expression SpEL could not evaluate, or the application's own exception
            return reactive.refuse(e, method.kind());
        }
        return reactive.lock(spec, invocation, method.kind(), method.leaseParameter());
    }

    /**
     * A fenced call: its locks are taken here, outside the transaction, and its leases handed over to the
     * {@link FenceInterceptor}, which admits them inside it.
     */
    private @Nullable Object fenced(LockedMethod method, MethodInvocation invocation, @Nullable Object target)
            throws Throwable {
        LockExecutor locks = executor.get();
        @Nullable Object[] arguments = invocation.getArguments();
        LockSpec spec = method.specFor(arguments, target);
        return locks.execute(spec, () -> {
            HeldLocks call = LeaseParameter.collect(spec, locks::heldByCurrentThread);
            if (method.leaseParameter().present()) {
                method.leaseParameter().fill(arguments, call);
            }
            return FenceInterceptor.handOver(call, invocation::proceed);
        });
    }

    @SuppressWarnings("unchecked")
    private static @Nullable CompletionStage<@Nullable Object> stage(@Nullable Object result) {
        return (CompletionStage<@Nullable Object>) result;
    }
}
