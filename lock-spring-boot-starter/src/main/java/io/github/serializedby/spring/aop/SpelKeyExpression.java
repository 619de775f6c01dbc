package io.github.serializedby.spring.aop;

import java.lang.reflect.Method;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.Expression;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;

/**
 * A key expression evaluated by SpEL, parsed once. The root object is the target bean; arguments are
 * variables by name ({@code #paymentId}) and position ({@code #p0}, {@code #a0}); {@code @bean}
 * references resolve against the application context.
 *
 * <p>Every evaluation shares one property accessor: SpEL caches the getters it found in the accessor and
 * in the expression, and a context with an accessor of its own would look each getter up again by
 * reflection on every call (microseconds per property; see {@code KeyPathBenchmark}).
 */
final class SpelKeyExpression implements KeyExpression {

    private static final List<PropertyAccessor> PROPERTY_ACCESSORS = List.of(new ReflectivePropertyAccessor(false));

    private final String source;
    private final Expression expression;
    private final Method method;
    private final ParameterNameDiscoverer parameterNames;
    private final @Nullable BeanResolver beanResolver;

    SpelKeyExpression(
            String source,
            Expression expression,
            Method method,
            ParameterNameDiscoverer parameterNames,
            @Nullable BeanFactoryResolver beanResolver) {
        this.source = source;
        this.expression = expression;
        this.method = method;
        this.parameterNames = parameterNames;
        this.beanResolver = beanResolver;
    }

    @Override
    public @Nullable Object evaluate(@Nullable Object[] arguments, @Nullable Object target) {
        MethodBasedEvaluationContext context =
                new MethodBasedEvaluationContext(target, method, arguments, parameterNames);
        context.setPropertyAccessors(PROPERTY_ACCESSORS);
        if (beanResolver != null) {
            context.setBeanResolver(beanResolver);
        }
        try {
            return expression.getValue(context);
        } catch (SpelEvaluationException e) {
            if (e.getMessageCode() == SpelMessage.PROPERTY_OR_FIELD_NOT_READABLE_ON_NULL
                    || e.getMessageCode() == SpelMessage.METHOD_CALL_ON_NULL_OBJECT_NOT_ALLOWED) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public String source() {
        return source;
    }
}
