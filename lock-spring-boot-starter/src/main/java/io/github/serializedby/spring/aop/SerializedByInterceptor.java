package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/** Runs a {@code @SerializedBy} method under its locks, through the {@link LockExecutor}. */
public final class SerializedByInterceptor implements MethodInterceptor {

    private final LockedMethods methods;
    private final Supplier<LockExecutor> executor;

    /**
     * @param methods the compiled methods
     * @param executor supplies the executor on first use, so that creating the advisor does not create
     *     the provider early
     */
    public SerializedByInterceptor(LockedMethods methods, Supplier<LockExecutor> executor) {
        this.methods = methods;
        this.executor = executor;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        LockedMethod method = methods.get(invocation.getMethod(), target);
        return executor.get().execute(method.specFor(invocation.getArguments(), target), invocation::proceed);
    }
}
