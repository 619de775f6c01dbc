package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.InvalidLockKeyException;
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
 * is refused (null, blank, too long, not valid text) is thrown, or for a {@code Mono} or {@code Flux}
 * signalled as its error; the method does not run.
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
            return method.execute(executor.get(), invocation.getArguments(), target, invocation::proceed);
        }
        if (method.kind() == ReturnKind.COMPLETION_STAGE) {
            LockSpec spec = method.specFor(invocation.getArguments(), target);
            return executor.get().executeAsync(spec, () -> stage(invocation.proceed()));
        }
        if (reactive == null) {
            throw new IllegalStateException("Reactor is needed to lock " + invocation.getMethod());
        }
        LockSpec spec;
        try {
            spec = method.specFor(invocation.getArguments(), target);
        } catch (InvalidLockKeyException e) {
            return reactive.refuse(e, method.kind());
        }
        return reactive.lock(spec, invocation, method.kind());
    }

    @SuppressWarnings("unchecked")
    private static @Nullable CompletionStage<@Nullable Object> stage(@Nullable Object result) {
        return (CompletionStage<@Nullable Object>) result;
    }
}
