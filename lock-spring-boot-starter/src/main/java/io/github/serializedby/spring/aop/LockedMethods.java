package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.BaseStream;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodClassKey;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The compiled {@code @SerializedBy} methods, built once per method (at start-up by the validator, or on
 * the first call) so that the call path never parses anything. Each lock name's wait limits are set in
 * the application's {@link WaitBounds} as its methods are compiled.
 *
 * <p>Over 300 lines: compiling a method resolves its settings (annotation over instance over defaults),
 * its keys and its return kind, which share the placeholder resolution and the start-up errors; and the
 * call path finds a compiled method through two lookups kept in front of the compiled map, by the proxy's
 * {@link Method} instance (identity) and by an interface's method with the target's class.
 */
public final class LockedMethods {

    private static final List<String> ESCAPING_RETURN_TYPES = List.of(
            "org.reactivestreams.Publisher",
            "java.util.concurrent.Flow$Publisher",
            "kotlinx.coroutines.flow.Flow",
            "org.springframework.web.context.request.async.DeferredResult",
            "org.springframework.web.context.request.async.WebAsyncTask",
            "org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody",
            "org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter");

    private static final String HTTP_ENTITY = "org.springframework.http.HttpEntity";

    private static final boolean REACTOR_PRESENT =
            ClassUtils.isPresent("reactor.core.publisher.Mono", LockedMethods.class.getClassLoader());

    private static final boolean COROUTINES_REACTOR_PRESENT = REACTOR_PRESENT
            && ClassUtils.isPresent("kotlinx.coroutines.reactor.MonoKt", LockedMethods.class.getClassLoader());

    private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
            "org.springframework.transaction.PlatformTransactionManager", LockedMethods.class.getClassLoader());

    /** The most {@link Method} instances {@link #byInstance} keeps; calls with other instances use {@link #compiled}. */
    static final int MAX_CALLED_INSTANCES = 1024;

    private final ConcurrentHashMap<Method, LockedMethod> compiled = new ConcurrentHashMap<>();

    /**
     * The compiled methods by the very {@link Method} instance that proxies pass on each call. A proxy
     * keeps one instance per method, but {@link #compiled} is mostly filled at start-up with the copies
     * that reflection hands out, so a lookup there compares declaring class, name, return and parameter
     * types on every call: about a tenth of an uncontended {@code @SerializedBy} call in {@code
     * UncontendedCallBenchmark} (the serializedBy and serializedByObserved rows), which this lookup by
     * identity saves. Replaced, not changed, when it grows; at most {@link #MAX_CALLED_INSTANCES} entries,
     * so code that calls with a fresh copy each time cannot make it grow without bound.
     */
    private volatile IdentityHashMap<Method, LockedMethod> byInstance = new IdentityHashMap<>();

    /** The compiled methods called through an interface, by the interface's method and the target's class. */
    private final ConcurrentHashMap<MethodClassKey, LockedMethod> byImplementation = new ConcurrentHashMap<>();

    private final LockSettings defaults;
    private final Map<String, LockSettings> instances;
    private final UnaryOperator<String> placeholders;
    private final KeyExpressionCompiler compiler;
    private final WaitBounds waitBounds;
    private final ConcurrentHashMap<String, WaitLimits> limitsByName = new ConcurrentHashMap<>();

    /**
     * @param defaults settings of methods that name no instance
     * @param instances named settings, already merged with the defaults
     * @param placeholders resolves {@code ${...}} in annotation attributes, failing on unknown ones
     * @param beanFactory resolves {@code @bean} references in expressions
     */
    public LockedMethods(
            LockSettings defaults,
            Map<String, LockSettings> instances,
            UnaryOperator<String> placeholders,
            @Nullable BeanFactory beanFactory) {
        this(defaults, instances, placeholders, beanFactory, WaitBounds.unbounded());
    }

    /**
     * Methods as the other constructor compiles them, whose wait limits are set in {@code waitBounds} per
     * lock name as each method is compiled.
     */
    public LockedMethods(
            LockSettings defaults,
            Map<String, LockSettings> instances,
            UnaryOperator<String> placeholders,
            @Nullable BeanFactory beanFactory,
            WaitBounds waitBounds) {
        this.defaults = defaults;
        this.instances = Map.copyOf(instances);
        this.placeholders = placeholders;
        this.compiler = new KeyExpressionCompiler(beanFactory);
        this.waitBounds = waitBounds;
    }

    /**
     * The compiled method, building it on first use.
     *
     * @throws SerializedByConfigurationException when the declaration is wrong
     */
    public LockedMethod get(Method method, @Nullable Class<?> targetClass) {
        Method specific = targetClass != null && method.getDeclaringClass().isInterface()
                ? AopUtils.getMostSpecificMethod(method, targetClass)
                : method;
        LockedMethod lockedMethod = compiled.get(specific);
        if (lockedMethod != null) {
            return lockedMethod;
        }
        return compiled.computeIfAbsent(specific, m -> compile(m, targetClass));
    }

    /**
     * The compiled method called on {@code target}, building it on first use. An interface's method, as
     * an interface-based proxy passes it, is the method of whichever class implements it: each
     * implementation's own annotation counts, so it is looked up with the target's class.
     */
    LockedMethod get(Method method, @Nullable Object target) {
        LockedMethod lockedMethod = byInstance.get(method);
        if (lockedMethod != null) {
            return lockedMethod;
        }
        if (target != null && method.getDeclaringClass().isInterface()) {
            Class<?> targetClass = AopUtils.getTargetClass(target);
            return byImplementation.computeIfAbsent(
                    new MethodClassKey(method, targetClass), key -> get(method, targetClass));
        }
        lockedMethod = compiled.get(method);
        if (lockedMethod == null) {
            lockedMethod = get(method, target != null ? AopUtils.getTargetClass(target) : null);
        }
        if (byInstance.size() < MAX_CALLED_INSTANCES) {
            rememberInstance(method, lockedMethod);
        }
        return lockedMethod;
    }

    private synchronized void rememberInstance(Method method, LockedMethod lockedMethod) {
        if (byInstance.size() < MAX_CALLED_INSTANCES && !byInstance.containsKey(method)) {
            IdentityHashMap<Method, LockedMethod> grown = new IdentityHashMap<>(byInstance);
            grown.put(method, lockedMethod);
            byInstance = grown;
        }
    }

    /** How many method instances are looked up by identity; for tests of the bound. */
    int calledInstanceCount() {
        return byInstance.size();
    }

    /** The {@code @SerializedBy} methods of {@code type} and its supertypes, with their annotations. */
    public static Map<Method, SerializedBy> declaredOn(Class<?> type) {
        return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<SerializedBy>)
                method -> AnnotatedElementUtils.findMergedAnnotation(method, SerializedBy.class));
    }

    /** Every method compiled so far. */
    public Collection<LockedMethod> all() {
        return Collections.unmodifiableCollection(compiled.values());
    }

    private LockedMethod compile(Method method, @Nullable Class<?> targetClass) {
        Method specific = targetClass != null ? AopUtils.getMostSpecificMethod(method, targetClass) : method;
        SerializedBy annotation = AnnotatedElementUtils.findMergedAnnotation(specific, SerializedBy.class);
        if (annotation == null) {
            throw new SerializedByConfigurationException(method, "the annotation was not found");
        }
        checkInterceptable(specific);
        String description = SerializedByConfigurationException.describe(specific);
        String name = resolve(specific, annotation.name());
        if (name.isBlank()) {
            name = specific.getDeclaringClass().getSimpleName() + "." + specific.getName();
        }
        LockSettings settings = settings(specific, annotation, name);
        if (annotation.value().length == 0) {
            throw new SerializedByConfigurationException(specific, "no key expression given");
        }
        List<KeyExpression> keys = new ArrayList<>();
        for (String source : annotation.value()) {
            String expression = resolve(specific, source);
            try {
                keys.add(compiler.compile(expression, specific));
            } catch (IllegalArgumentException e) {
                throw new SerializedByConfigurationException(specific, String.valueOf(e.getMessage()), e);
            }
        }
        configureWaitLimits(specific, name, settings.waitLimits());
        ReturnKind kind = returnKind(specific);
        if (annotation.fenced() && !TRANSACTIONS_PRESENT) {
            throw new SerializedByConfigurationException(
                    specific, "fenced = true admits the call in a transaction, and spring-tx is not on the classpath");
        }
        if (annotation.fenced() && kind != ReturnKind.VALUE) {
            throw new SerializedByConfigurationException(
                    specific,
                    "fenced = true admits the call in a transaction of a PlatformTransactionManager, which a"
                            + " method returning a value runs in; this one returns asynchronously");
        }
        return new LockedMethod(
                name, settings, keys, description, kind, LeaseParameter.of(specific, keys.size()), annotation.fenced());
    }

    /**
     * The bounds count per lock name, so every method of a name must bound its waiters alike: a method
     * that disagrees with one compiled before fails the start rather than silently changing the bound.
     */
    private void configureWaitLimits(Method method, String name, WaitLimits limits) {
        WaitLimits earlier = limitsByName.putIfAbsent(name, limits);
        if (earlier != null && !earlier.equals(limits)) {
            throw new SerializedByConfigurationException(
                    method,
                    "its wait bounds " + limits + " differ from " + earlier + " of another method of lock '" + name
                            + "'; methods sharing a lock name share its bounds");
        }
        waitBounds.configure(name, limits);
    }

    private LockSettings settings(Method method, SerializedBy annotation, String name) {
        String instanceName = resolve(method, annotation.instance());
        LockSettings base;
        if (instanceName.isBlank()) {
            base = instances.getOrDefault(name, defaults);
        } else {
            base = instances.get(instanceName);
            if (base == null) {
                throw new SerializedByConfigurationException(
                        method,
                        "instance '" + instanceName + "' is not configured; configured instances under"
                                + " serialized-by.instances are " + instances.keySet());
            }
        }
        LockPolicy policy = single(method, "policy", annotation.policy(), base.policy());
        LockMode mode = single(method, "mode", annotation.mode(), base.mode());
        Duration waitTimeout = base.waitTimeout();
        String waitText = resolve(method, annotation.waitTimeout());
        if (!waitText.isBlank()) {
            try {
                waitTimeout = DurationStyle.detectAndParse(waitText);
            } catch (IllegalArgumentException e) {
                throw new SerializedByConfigurationException(
                        method, "waitTimeout '" + waitText + "' is no duration (use 500ms, 2s or PT2S)", e);
            }
        }
        if (waitTimeout.isNegative()) {
            throw new SerializedByConfigurationException(
                    method,
                    "its wait timeout (" + waitTimeout + ", from "
                            + (waitText.isBlank() ? "serialized-by.*" : "the annotation") + ") must not be negative");
        }
        WaitLimits limits = base.waitLimits();
        int[] maxWaiters = annotation.maxWaiters();
        if (maxWaiters.length > 1) {
            throw new SerializedByConfigurationException(method, "maxWaiters takes at most one value");
        }
        if (maxWaiters.length == 1) {
            if (maxWaiters[0] < 0) {
                throw new SerializedByConfigurationException(method, "maxWaiters must not be negative");
            }
            limits = limits.withMaxWaiters(maxWaiters[0]);
        }
        return new LockSettings(policy, waitTimeout, mode, limits);
    }

    private static <T> T single(Method method, String attribute, T[] values, T fallback) {
        if (values.length > 1) {
            throw new SerializedByConfigurationException(method, attribute + " takes at most one value");
        }
        return values.length == 1 ? values[0] : fallback;
    }

    private String resolve(Method method, String value) {
        try {
            return placeholders.apply(value);
        } catch (IllegalArgumentException e) {
            throw new SerializedByConfigurationException(
                    method, "placeholder in '" + value + "': " + e.getMessage(), e);
        }
    }

    private static void checkInterceptable(Method method) {
        int modifiers = method.getModifiers();
        if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
            throw new SerializedByConfigurationException(
                    method,
                    "a proxy cannot intercept a private, static or final method, so it would run unlocked;"
                            + " make it public (or protected) and not final");
        }
    }

    /**
     * How the method returns its result. Results that are consumed after the method returns, in a way the
     * lock cannot follow, are refused rather than guarded wrongly.
     */
    private static ReturnKind returnKind(Method method) {
        boolean suspending = KotlinDetector.isSuspendingFunction(method);
        if (suspending) {
            requireCoroutinesReactor(method);
        }
        MethodParameter result = new MethodParameter(method, -1);
        Class<?> type = result.getParameterType();
        ReturnKind kind = returnKind(type);
        if (kind == ReturnKind.COMPLETION_STAGE && !type.isAssignableFrom(CompletableFuture.class)) {
            throw escapes(method, "a CompletionStage other than CompletableFuture");
        }
        ResolvableType resolved = ResolvableType.forMethodParameter(result);
        if (kind != ReturnKind.VALUE) {
            if (suspending) {
                // Locked for its coroutine, which ends as it hands back a stage, Mono or Flux still to run.
                throw escapes(method, type.getSimpleName());
            }
            if (kind != ReturnKind.FLUX) {
                // A Mono or a future ends with its one value: a value that is itself work runs unlocked.
                ResolvableType value = kind == ReturnKind.COMPLETION_STAGE
                        ? resolved.as(CompletionStage.class).getGeneric(0)
                        : resolved.getGeneric(0);
                String later = runsLater(value);
                if (later != null) {
                    throw escapes(method, type.getSimpleName() + " of " + later);
                }
            }
            return kind;
        }
        String later = runsLater(resolved);
        if (later != null) {
            throw escapes(method, later);
        }
        return suspending ? ReturnKind.MONO : ReturnKind.VALUE;
    }

    /**
     * What of a result of this type runs after it is handed back, named for the start-up error: the result
     * itself, or the body of a {@code ResponseEntity} (any {@code HttpEntity}), which the web framework
     * writes after the method has returned; null when nothing does.
     */
    private static @Nullable String runsLater(ResolvableType result) {
        Class<?> type = result.resolve();
        if (type == null) {
            return null;
        }
        if (consumedLater(type) || returnKind(type) != ReturnKind.VALUE) {
            return type.getSimpleName();
        }
        Class<?> body = httpEntityBody(result);
        if (body != null && (consumedLater(body) || returnKind(body) != ReturnKind.VALUE)) {
            return type.getSimpleName() + " of " + body.getSimpleName();
        }
        return null;
    }

    private static boolean consumedLater(Class<?> type) {
        return Future.class.isAssignableFrom(type)
                || Callable.class.isAssignableFrom(type)
                || BaseStream.class.isAssignableFrom(type)
                || Iterator.class.isAssignableFrom(type)
                || ESCAPING_RETURN_TYPES.stream().anyMatch(escaping -> isAssignable(escaping, type));
    }

    /** How a result of this type is handed back, as far as its type tells. */
    private static ReturnKind returnKind(Class<?> type) {
        if (CompletionStage.class.isAssignableFrom(type)) {
            return ReturnKind.COMPLETION_STAGE;
        }
        if (REACTOR_PRESENT && isAssignable("reactor.core.publisher.Mono", type)) {
            return ReturnKind.MONO;
        }
        if (REACTOR_PRESENT && isAssignable("reactor.core.publisher.Flux", type)) {
            return ReturnKind.FLUX;
        }
        return ReturnKind.VALUE;
    }

    /**
     * The body type of a result that is a {@code ResponseEntity} (any {@code HttpEntity}), which the web
     * framework writes after the method has returned; null for other results.
     */
    private static @Nullable Class<?> httpEntityBody(ResolvableType result) {
        Class<?> entity = result.resolve();
        if (entity == null || !isAssignable(HTTP_ENTITY, entity)) {
            return null;
        }
        while (!entity.getName().equals(HTTP_ENTITY)) {
            entity = entity.getSuperclass();
        }
        return result.as(entity).getGeneric(0).resolve();
    }

    /**
     * A Kotlin {@code suspend} function: Spring's proxy calls it as a {@code Mono} that runs the coroutine
     * when subscribed, and awaits that {@code Mono} in the caller's coroutine, so it is locked as a {@code
     * Mono}, for the whole coroutine. Without kotlinx-coroutines-reactor the proxy calls it as a plain
     * method that returns at its first suspension, which no lock can follow.
     */
    private static void requireCoroutinesReactor(Method method) {
        if (!COROUTINES_REACTOR_PRESENT) {
            throw new SerializedByConfigurationException(
                    method,
                    "a suspend function is locked for its whole coroutine through Reactor; add"
                            + " org.jetbrains.kotlinx:kotlinx-coroutines-reactor to the application");
        }
    }

    private static SerializedByConfigurationException escapes(Method method, String what) {
        return new SerializedByConfigurationException(
                method,
                "its result (" + what + ") is consumed after the method returns, when the lock would already be"
                        + " released; return a value, a CompletableFuture, a Reactor Mono or Flux, or make it a Kotlin suspend function returning a value");
    }

    private static boolean isAssignable(String typeName, Class<?> type) {
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            if (current.getName().equals(typeName)) {
                return true;
            }
            for (Class<?> implemented : current.getInterfaces()) {
                if (isAssignable(typeName, implemented)) {
                    return true;
                }
            }
        }
        return false;
    }
}
