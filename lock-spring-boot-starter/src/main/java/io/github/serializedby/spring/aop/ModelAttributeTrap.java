package io.github.serializedby.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the trap of a locked Spring MVC handler: its arguments are resolved before it is called, so
 * before its lock is taken. What a controller's {@code @ModelAttribute} methods load runs unlocked and
 * may be stale by the time the handler holds the lock, however well the handler itself is serialized.
 */
final class ModelAttributeTrap {

    private static final @Nullable Class<? extends Annotation> MODEL_ATTRIBUTE =
            annotation("org.springframework.web.bind.annotation.ModelAttribute");
    private static final @Nullable Class<? extends Annotation> REQUEST_MAPPING =
            annotation("org.springframework.web.bind.annotation.RequestMapping");
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private ModelAttributeTrap() {}

    /**
     * What to tell the user about {@code handler} of {@code controller} locked by {@code keyExpressions},
     * or null when the handler reads no model attribute loaded before its lock.
     */
    static @Nullable String find(Class<?> controller, Method handler, String[] keyExpressions) {
        Class<? extends Annotation> modelAttribute = MODEL_ATTRIBUTE;
        Class<? extends Annotation> requestMapping = REQUEST_MAPPING;
        if (modelAttribute == null
                || requestMapping == null
                || !AnnotatedElementUtils.hasAnnotation(controller, Controller.class)) {
            return null;
        }
        List<String> loaders = new ArrayList<>();
        for (Method method :
                ReflectionUtils.getUniqueDeclaredMethods(controller, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (AnnotatedElementUtils.hasAnnotation(method, modelAttribute)
                    && !AnnotatedElementUtils.hasAnnotation(method, requestMapping)) {
                loaders.add(method.getName() + "()");
            }
        }
        List<String> keyedAttributes = keyedModelAttributes(handler, keyExpressions, modelAttribute);
        if (loaders.isEmpty() && keyedAttributes.isEmpty()) {
            return null;
        }
        String what = !loaders.isEmpty()
                ? "its controller's @ModelAttribute methods "
                        + loaders.stream().sorted().toList()
                : "the model attributes its key reads " + keyedAttributes;
        return "@SerializedBy on " + controller.getSimpleName() + "." + handler.getName()
                + " takes its lock when the handler is called, after Spring MVC resolved its arguments: "
                + what + " ran before, unlocked, so what they hold may be stale under the lock (a check"
                + " then a save lets duplicates through). Read that state again inside the locked method, or"
                + " lock a service method that reads it, and key the lock from request data such as a path"
                + " variable.";
    }

    private static List<String> keyedModelAttributes(
            Method handler, String[] keyExpressions, Class<? extends Annotation> modelAttribute) {
        String[] names = NAMES.getParameterNames(handler);
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
            Pattern read = Pattern.compile("#" + Pattern.quote(names[i]) + "\\b");
            for (String expression : keyExpressions) {
                if (isModelAttribute && read.matcher(expression).find()) {
                    keyed.add(names[i]);
                    break;
                }
            }
        }
        return keyed;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Class<? extends Annotation> annotation(String name) {
        ClassLoader loader = ModelAttributeTrap.class.getClassLoader();
        return ClassUtils.isPresent(name, loader)
                ? (Class<? extends Annotation>) ClassUtils.resolveClassName(name, loader)
                : null;
    }
}
