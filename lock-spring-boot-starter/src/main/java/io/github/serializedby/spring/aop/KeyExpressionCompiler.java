package io.github.serializedby.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Parses and checks key expressions once per method. {@code #param} and {@code #param.getterProperty}
 * compile to direct argument access; anything else is evaluated by SpEL.
 */
final class KeyExpressionCompiler {

    private static final Pattern ARGUMENT_PATH = Pattern.compile("#([A-Za-z_$][\\w$]*)((?:\\.[A-Za-z_$][\\w$]*)*)");
    private static final Pattern POSITION = Pattern.compile("[ap](0|[1-9]\\d{0,8})");

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final @Nullable BeanFactory beanFactory;
    private final @Nullable BeanFactoryResolver beanResolver;

    KeyExpressionCompiler(@Nullable BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
        this.beanResolver = beanFactory != null ? new BeanFactoryResolver(beanFactory) : null;
    }

    /**
     * Compiles {@code source} for {@code method}.
     *
     * @throws IllegalArgumentException saying what is wrong with the expression
     */
    KeyExpression compile(String source, Method method) {
        Expression expression;
        try {
            expression = parser.parseExpression(source);
        } catch (ParseException e) {
            throw new IllegalArgumentException("key expression '" + source + "' does not parse: " + e.getMessage(), e);
        }
        @Nullable String[] names = parameterNames.getParameterNames(method);
        if (expression instanceof SpelExpression spel) {
            check(spel.getAST(), source, method, names);
        }
        KeyExpression fast = argumentPath(source.strip(), method, names);
        return fast != null ? fast : new SpelKeyExpression(source, expression, method, parameterNames, beanResolver);
    }

    private void check(SpelNode node, String source, Method method, @Nullable String @Nullable [] names) {
        if (node instanceof VariableReference) {
            String variable = node.toStringAST().substring(1);
            if (indexOf(variable, method, names) < 0 && !variable.equals("root") && !variable.equals("this")) {
                throw new IllegalArgumentException("key expression '" + source + "' names '#" + variable
                        + "', which is no parameter of the method; "
                        + (names == null
                                ? "parameter names are not available (compile with -parameters), use #p0, #p1..."
                                : "its parameters are " + Arrays.toString(names) + " (or #p0, #p1...)"));
            }
        }
        if (node instanceof BeanReference && beanFactory != null) {
            String bean = node.toStringAST().substring(1);
            if (!bean.startsWith("&") && !beanFactory.containsBean(bean)) {
                throw new IllegalArgumentException(
                        "key expression '" + source + "' refers to bean '" + bean + "', which does not exist");
            }
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            check(node.getChild(i), source, method, names);
        }
    }

    private @Nullable KeyExpression argumentPath(String source, Method method, @Nullable String @Nullable [] names) {
        Matcher matcher = ARGUMENT_PATH.matcher(source);
        if (!matcher.matches()) {
            return null;
        }
        int index = indexOf(matcher.group(1), method, names);
        if (index < 0) {
            return null;
        }
        List<Method> getters = new ArrayList<>();
        Class<?> type = method.getParameterTypes()[index];
        String path = matcher.group(2);
        if (!path.isEmpty()) {
            for (String property : path.substring(1).split("\\.")) {
                Method getter = getter(type, property);
                if (getter == null) {
                    return null;
                }
                getters.add(getter);
                type = getter.getReturnType();
            }
        }
        return new ArgumentKeyExpression(source, index, getters);
    }

    /**
     * The accessor SpEL would call for {@code property} on any instance of {@code type}, if certain: a
     * public {@code getX()}, a boolean {@code isX()}, or a record component.
     */
    private static @Nullable Method getter(Class<?> type, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        Method getter = ClassUtils.getMethodIfAvailable(type, "get" + capitalized);
        if (getter == null) {
            Method is = ClassUtils.getMethodIfAvailable(type, "is" + capitalized);
            if (is != null && (is.getReturnType() == boolean.class || is.getReturnType() == Boolean.class)) {
                getter = is;
            }
        }
        if (getter == null && type.isRecord()) {
            getter = ClassUtils.getMethodIfAvailable(type, property);
        }
        if (getter == null || getter.getReturnType() == void.class) {
            return null;
        }
        return java.lang.reflect.Modifier.isPublic(getter.getModifiers()) ? getter : null;
    }

    private static int indexOf(String variable, Method method, @Nullable String @Nullable [] names) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (variable.equals(names[i])) {
                    return i;
                }
            }
        }
        Matcher position = POSITION.matcher(variable);
        if (position.matches()) {
            int index = Integer.parseInt(position.group(1));
            return index < method.getParameterCount() ? index : -1;
        }
        return -1;
    }
}
