package io.github.serializedby.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Finds the trap of a locked Spring MVC handler: its arguments are resolved before it is called, so
 * before its lock is taken. What a controller's {@code @ModelAttribute} methods load runs unlocked and
 * may be stale by the time the handler holds the lock, however well the handler itself is serialized.
 * Where the handler's keys can be read from the request alone (path variables, request parameters,
 * headers), {@link MvcRequestLockInterceptor} or {@link WebFluxRequestLockAdapter} takes the lock for the
 * whole request instead.
 */
final class ModelAttributeTrap {

    private static final @Nullable Class<? extends Annotation> MODEL_ATTRIBUTE =
            annotation("org.springframework.web.bind.annotation.ModelAttribute");
    private static final @Nullable Class<? extends Annotation> REQUEST_MAPPING =
            annotation("org.springframework.web.bind.annotation.RequestMapping");
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** Where a key's value is found in the request. */
    enum Source {
        PATH,
        PARAMETER,
        HEADER
    }

    /** A parameter of the handler that a key reads, and where the request holds its value. */
    record RequestValue(int index, Source source, String name) {}

    /** What start-up says of a locked handler: a warning, or that its lock covers the whole request. */
    record Finding(String message, boolean lockedForRequest) {}

    private ModelAttributeTrap() {}

    /**
     * What to tell the user about {@code handler} of {@code controller} locked by {@code keyExpressions},
     * or null when the handler reads no model attribute loaded before its lock.
     *
     * @param requestLocks whether a request lock ({@link MvcRequestLockInterceptor}, {@link
     *     WebFluxRequestLockAdapter}) runs in this application for this handler
     */
    static @Nullable Finding find(Class<?> controller, Method handler, String[] keyExpressions, boolean requestLocks) {
        Class<? extends Annotation> modelAttribute = MODEL_ATTRIBUTE;
        if (modelAttribute == null || !AnnotatedElementUtils.hasAnnotation(controller, Controller.class)) {
            return null;
        }
        List<String> loaders = modelLoaders(controller);
        List<String> keyedAttributes = keyedModelAttributes(handler, keyExpressions, modelAttribute);
        String where = controller.getSimpleName() + "." + handler.getName();
        if (keyedAttributes.isEmpty()
                && !loaders.isEmpty()
                && requestLocks
                && requestValues(handler, keyExpressions) != null) {
            return new Finding(
                    "@SerializedBy on " + where + " is locked for the whole request, before its controller's"
                            + " @ModelAttribute methods " + loaders + " run, since its keys come from the request",
                    true);
        }
        if (loaders.isEmpty() && keyedAttributes.isEmpty()) {
            return null;
        }
        String what = !loaders.isEmpty()
                ? "its controller's @ModelAttribute methods " + loaders
                : "the model attributes its key reads " + keyedAttributes;
        return new Finding(
                "@SerializedBy on " + where + " takes its lock when the handler is called, after its arguments"
                        + " were resolved: " + what + " ran before, unlocked, so what they hold may be stale"
                        + " under the lock (a check then a save lets duplicates through). Read that state again"
                        + " inside the locked method, or lock a service method that reads it"
                        + (requestLocks
                                ? "; a handler whose keys name only path variables, request parameters or headers"
                                        + " is locked for the whole request when it returns a value (Spring MVC) or a"
                                        + " Mono or Flux (WebFlux)."
                                : "."),
                false);
    }

    /** The controller's {@code @ModelAttribute} methods, which run before each of its handlers. */
    static List<String> modelLoaders(Class<?> controller) {
        Class<? extends Annotation> modelAttribute = MODEL_ATTRIBUTE;
        Class<? extends Annotation> requestMapping = REQUEST_MAPPING;
        List<String> loaders = new ArrayList<>();
        if (modelAttribute == null || requestMapping == null) {
            return loaders;
        }
        for (Method method :
                ReflectionUtils.getUniqueDeclaredMethods(controller, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (AnnotatedElementUtils.hasAnnotation(method, modelAttribute)
                    && !AnnotatedElementUtils.hasAnnotation(method, requestMapping)) {
                loaders.add(method.getName() + "()");
            }
        }
        loaders.sort(null);
        return loaders;
    }

    /**
     * How to read every parameter the key expressions name from the request alone; null when one of them
     * is not a path variable, request parameter or header, or the parameter names are not known.
     */
    static @Nullable List<RequestValue> requestValues(Method handler, String[] keyExpressions) {
        String[] names = parameterNames(handler);
        if (names == null) {
            return null;
        }
        List<RequestValue> values = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (!readBy(names[i], keyExpressions)) {
                continue;
            }
            MethodParameter parameter = new MethodParameter(handler, i);
            PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
            RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
            RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
            if (path != null) {
                values.add(new RequestValue(i, Source.PATH, named(path.name(), names[i])));
            } else if (query != null) {
                values.add(new RequestValue(i, Source.PARAMETER, named(query.name(), names[i])));
            } else if (header != null) {
                values.add(new RequestValue(i, Source.HEADER, named(header.name(), names[i])));
            } else {
                return null;
            }
        }
        if (values.isEmpty() && Arrays.stream(keyExpressions).anyMatch(expression -> expression.contains("#"))) {
            return null; // reads the arguments by position (#p0, #root.args), which cannot be told apart here
        }
        return values;
    }

    private static List<String> keyedModelAttributes(
            Method handler, String[] keyExpressions, Class<? extends Annotation> modelAttribute) {
        String[] names = parameterNames(handler);
        List<String> keyed = new ArrayList<>();
        if (names == null) {
            return keyed;
        }
        Annotation[][] annotations = handler.getParameterAnnotations();
        for (int i = 0; i < names.length; i++) {
            boolean isModelAttribute = false;
            for (Annotation annotation : annotations[i]) {
                isModelAttribute |= annotation.annotationType() == modelAttribute;
            }
            if (isModelAttribute && readBy(names[i], keyExpressions)) {
                keyed.add(names[i]);
            }
        }
        return keyed;
    }

    /** The handler's parameter names, or null when any of them is not known. */
    private static String @Nullable [] parameterNames(Method handler) {
        @Nullable String[] names = NAMES.getParameterNames(handler);
        if (names == null) {
            return null;
        }
        String[] known = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name == null) {
                return null;
            }
            known[i] = name;
        }
        return known;
    }

    private static boolean readBy(String parameterName, String[] keyExpressions) {
        Pattern read = Pattern.compile("#" + Pattern.quote(parameterName) + "\\b");
        for (String expression : keyExpressions) {
            if (read.matcher(expression).find()) {
                return true;
            }
        }
        return false;
    }

    private static String named(String declared, String parameterName) {
        return declared.isEmpty() ? parameterName : declared;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Class<? extends Annotation> annotation(String name) {
        ClassLoader loader = ModelAttributeTrap.class.getClassLoader();
        return ClassUtils.isPresent(name, loader)
                ? (Class<? extends Annotation>) ClassUtils.resolveClassName(name, loader)
                : null;
    }
}
