package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.spring.SerializedBy;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.expression.EvaluationException;
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
    private static final Plan NONE = new Plan(null, List.of());

    private final LockedMethods methods;
    private final Supplier<LockExecutor> executor;
    private final Supplier<ConversionService> conversions;
    private final Map<Handler, Plan> plans = new ConcurrentHashMap<>();

    /**
     * @param methods the compiled {@code @SerializedBy} methods
     * @param executor supplies the executor the handlers' locks use
     * @param conversions converts request text to the parameters' types, as Spring MVC's binding does
     */
    public MvcRequestLockInterceptor(
            LockedMethods methods, Supplier<LockExecutor> executor, Supplier<ConversionService> conversions) {
        this.methods = methods;
        this.executor = executor;
        this.conversions = conversions;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod handlerMethod)
                || request.getDispatcherType() == DispatcherType.ASYNC
                || request.getAttribute(HOLD) != null) {
            return true;
        }
        Plan plan = plans.computeIfAbsent(
                new Handler(handlerMethod.getMethod(), handlerMethod.getBeanType()), any -> plan(handlerMethod));
        LockedMethod locked = plan.locked();
        if (locked == null) {
            return true;
        }
        LockSpec spec = spec(plan, locked, handlerMethod, request);
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

    /** Whether, and how, {@code handler} is locked for the whole request; decided once per method. */
    private Plan plan(HandlerMethod handler) {
        Method method = handler.getMethod();
        Class<?> controller = handler.getBeanType();
        SerializedBy annotation = AnnotatedElementUtils.findMergedAnnotation(method, SerializedBy.class);
        if (annotation == null) {
            return NONE;
        }
        LockedMethod locked = methods.get(method, controller);
        if (locked.kind() != ReturnKind.VALUE) {
            return NONE;
        }
        ModelAttributeTrap.Finding finding = ModelAttributeTrap.find(controller, method, annotation.value(), true);
        List<ModelAttributeTrap.RequestValue> values = ModelAttributeTrap.requestValues(method, annotation.value());
        if (finding == null || !finding.lockedForRequest() || values == null) {
            return NONE;
        }
        return new Plan(locked, values);
    }

    /** The keys of this request, or null when one cannot be read from the request. */
    private @Nullable LockSpec spec(Plan plan, LockedMethod locked, HandlerMethod handler, HttpServletRequest request) {
        Method method = handler.getMethod();
        @Nullable Object[] arguments = new Object[method.getParameterCount()];
        for (ModelAttributeTrap.RequestValue value : plan.values()) {
            String text = text(value, request);
            if (text == null) {
                return null;
            }
            try {
                arguments[value.index()] = conversions
                        .get()
                        .convert(
                                text,
                                TypeDescriptor.valueOf(String.class),
                                new TypeDescriptor(new MethodParameter(method, value.index())));
            } catch (ConversionException | IllegalArgumentException e) {
                return null;
            }
        }
        try {
            return locked.specFor(arguments, handler.getBean());
        } catch (InvalidLockKeyException | EvaluationException e) {
            return null;
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

    /** A handler method as one controller type has it: the plan depends on that type's model methods. */
    private record Handler(Method method, Class<?> controller) {}

    /** The keys a request holds, and the handler that took them. */
    private record Hold(LockExecutor.ThreadHold keys, Object handler) {}

    /** The compiled method to lock for the request (null: not locked here) and where its keys are read. */
    private record Plan(@Nullable LockedMethod locked, List<ModelAttributeTrap.RequestValue> values) {}
}
