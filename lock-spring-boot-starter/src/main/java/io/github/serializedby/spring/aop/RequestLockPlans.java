package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.spring.LockKeyEvaluationException;
import io.github.serializedby.spring.SerializedBy;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.web.method.HandlerMethod;

/**
 * Which {@code @SerializedBy} controller handlers are locked for the whole request, and their keys for
 * one request, read from its path variables, parameters and headers: the part the Spring MVC and the
 * WebFlux request locks share. A plan is decided once per handler method and controller type.
 */
final class RequestLockPlans {

    private static final TypeDescriptor TEXT = TypeDescriptor.valueOf(String.class);
    private static final Plan NONE = new Plan(null, List.of(), List.of());

    private final LockedMethods methods;
    private final Supplier<ConversionService> conversions;
    private final Set<ReturnKind> kinds;
    private final Map<Handler, Plan> plans = new ConcurrentHashMap<>();

    /**
     * @param methods the compiled {@code @SerializedBy} methods
     * @param conversions converts request text to the parameters' types, as the web framework binds it
     * @param kinds the return kinds whose handlers this web framework can hold for the whole request
     */
    RequestLockPlans(LockedMethods methods, Supplier<ConversionService> conversions, Set<ReturnKind> kinds) {
        this.methods = methods;
        this.conversions = conversions;
        this.kinds = kinds;
    }

    /** Whether {@code handler} is locked for the whole request. */
    boolean locksForRequest(HandlerMethod handler) {
        return plan(handler).locked() != null;
    }

    /**
     * The keys of this request for {@code handler}, or null when it is not locked for the request or a key
     * cannot be read from the request (missing, not convertible, null): the handler's own lock then
     * answers as it always does.
     *
     * @param text the request's text for a value, null when the request has none
     */
    @Nullable
    LockSpec spec(HandlerMethod handler, Function<ModelAttributeTrap.RequestValue, @Nullable String> text) {
        Plan plan = plan(handler);
        LockedMethod locked = plan.locked();
        if (locked == null) {
            return null;
        }
        @Nullable Object[] arguments = new Object[handler.getMethod().getParameterCount()];
        for (int i = 0; i < plan.values().size(); i++) {
            ModelAttributeTrap.RequestValue value = plan.values().get(i);
            String found = text.apply(value);
            if (found == null) {
                return null;
            }
            try {
                arguments[value.index()] =
                        conversions.get().convert(found, TEXT, plan.types().get(i));
            } catch (ConversionException | IllegalArgumentException e) {
                return null;
            }
        }
        try {
            return locked.specFor(arguments, handler.getBean());
        } catch (InvalidLockKeyException | LockKeyEvaluationException e) {
            return null;
        }
    }

    private Plan plan(HandlerMethod handler) {
        return plans.computeIfAbsent(new Handler(handler.getMethod(), handler.getBeanType()), any -> decide(handler));
    }

    private Plan decide(HandlerMethod handler) {
        Method method = handler.getMethod();
        Class<?> controller = handler.getBeanType();
        SerializedBy annotation = AnnotatedElementUtils.findMergedAnnotation(method, SerializedBy.class);
        if (annotation == null) {
            return NONE;
        }
        LockedMethod locked = methods.get(method, controller);
        if (!kinds.contains(locked.kind())) {
            return NONE;
        }
        ModelAttributeTrap.Finding finding = ModelAttributeTrap.find(controller, method, annotation.value(), true);
        List<ModelAttributeTrap.RequestValue> values = ModelAttributeTrap.requestValues(method, annotation.value());
        if (finding == null || !finding.lockedForRequest() || values == null) {
            return NONE;
        }
        List<TypeDescriptor> types = values.stream()
                .map(value -> new TypeDescriptor(new MethodParameter(method, value.index())))
                .toList();
        return new Plan(locked, values, types);
    }

    /** A handler method as one controller type has it: the plan depends on that type's model methods. */
    private record Handler(Method method, Class<?> controller) {}

    /**
     * The compiled method to lock for the request (null: not locked here), where its keys are read, and
     * the type each is converted to.
     */
    private record Plan(
            @Nullable LockedMethod locked, List<ModelAttributeTrap.RequestValue> values, List<TypeDescriptor> types) {}
}
