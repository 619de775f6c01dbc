package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockSpec;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.convert.ConversionService;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Locks a {@code @SerializedBy} Spring MVC handler for the whole request when its controller loads
 * model attributes ({@code @ModelAttribute} methods run before the handler, so before its own lock) and
 * its keys can be read from the request alone: path variables, request parameters, headers. The lock is
 * taken before the model is built and released when the request completes, after the response is
 * written; the handler's own lock then re-enters it. A request whose key cannot be read here (missing,
 * not convertible, null) is left to the handler's lock, which answers as it always does. Only handlers
 * that return a value: an asynchronous handler's lock must outlive the request thread's part of the
 * request, which a hold on that thread cannot do, so it keeps its own lock (and start-up's warning).
 */
public final class MvcRequestLockInterceptor implements AsyncHandlerInterceptor {

    /** The bean name under which the starter registers it. */
    public static final String BEAN_NAME = "serializedByMvcRequestLocks";

    private static final String HOLD = MvcRequestLockInterceptor.class.getName() + ".hold";

    private final RequestLockPlans plans;
    private final Supplier<LockExecutor> executor;

    /**
     * @param methods the compiled {@code @SerializedBy} methods
     * @param executor supplies the executor the handlers' locks use
     * @param conversions converts request text to the parameters' types, as Spring MVC's binding does
     */
    public MvcRequestLockInterceptor(
            LockedMethods methods, Supplier<LockExecutor> executor, Supplier<ConversionService> conversions) {
        this.plans = new RequestLockPlans(methods, conversions, Set.of(ReturnKind.VALUE));
        this.executor = executor;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod handlerMethod)
                || request.getDispatcherType() == DispatcherType.ASYNC
                || request.getAttribute(HOLD) != null) {
            return true;
        }
        LockSpec spec = plans.spec(handlerMethod, value -> text(value, request));
        if (spec != null) {
            request.setAttribute(HOLD, new Hold(executor.get().hold(spec), handler));
        }
        return true;
    }

    @Override
    public void afterConcurrentHandlingStarted(
            HttpServletRequest request, HttpServletResponse response, Object handler) {
        release(request, handler);
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable Exception ex) {
        release(request, handler);
    }

    /** Releases the hold {@code handler} took; a forwarded or included handler leaves its caller's alone. */
    private static void release(HttpServletRequest request, Object handler) {
        if (request.getAttribute(HOLD) instanceof Hold hold && hold.handler() == handler) {
            request.removeAttribute(HOLD);
            hold.keys().close();
        }
    }

    private static @Nullable String text(ModelAttributeTrap.RequestValue value, HttpServletRequest request) {
        return switch (value.source()) {
            case PATH ->
                request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> vars
                                && vars.get(value.name()) instanceof String text
                        ? text
                        : null;
            case PARAMETER -> request.getParameter(value.name());
            case HEADER -> request.getHeader(value.name());
        };
    }

    /** The keys a request holds, and the handler that took them. */
    private record Hold(LockExecutor.ThreadHold keys, Object handler) {}
}
