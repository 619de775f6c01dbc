package io.github.serializedby.spring.aop;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * What a native image needs to lock the {@code @SerializedBy} methods of the context's beans, found
 * ahead of time: each method, for its annotation and the parameter names its key expressions use, and
 * the types of its parameters, whose properties the key expressions read through SpEL. Registered in
 * {@code META-INF/spring/aot.factories}.
 */
public final class SerializedByAotProcessor implements BeanFactoryInitializationAotProcessor {

    private static final BindingReflectionHintsRegistrar BINDING = new BindingReflectionHintsRegistrar();

    @Override
    public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
            ConfigurableListableBeanFactory beanFactory) {
        Set<Method> locked = new LinkedHashSet<>();
        for (String beanName : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(beanName, false);
            if (type != null) {
                locked.addAll(
                        LockedMethods.declaredOn(ClassUtils.getUserClass(type)).keySet());
            }
        }
        if (locked.isEmpty()) {
            return null;
        }
        return (generationContext, code) ->
                register(generationContext.getRuntimeHints().reflection(), locked);
    }

    /** The hints for {@code methods}: each invocable, and the types of their parameters bindable. */
    static void register(ReflectionHints reflection, Set<Method> methods) {
        for (Method method : methods) {
            reflection.registerMethod(method, ExecutableMode.INVOKE);
            BINDING.registerReflectionHints(reflection, method.getGenericParameterTypes());
        }
    }
}
