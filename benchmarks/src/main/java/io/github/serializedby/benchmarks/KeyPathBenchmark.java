package io.github.serializedby.benchmarks;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.util.ReflectionUtils;

/**
 * The two steps of a {@code @SerializedBy} call before locking, each against its plain alternative, per
 * call: finding the compiled method by the proxy's {@link Method} (an identity map in front of a {@code
 * ConcurrentHashMap}, or the {@code ConcurrentHashMap} alone), and evaluating {@code #paymentId} and
 * {@code #order.customer.id} (direct argument access and getters, SpEL compiled in {@code MIXED} mode
 * with the per-call context the starter builds or with a lean one, and interpreted SpEL as the starter
 * evaluates every other expression).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyPathBenchmark {

    private static final String PAYMENT_ID = "#paymentId";
    private static final String CUSTOMER_ID = "#order.customer.id";

    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final BeanFactoryResolver beanResolver = new BeanFactoryResolver(new DefaultListableBeanFactory());

    private Method method;
    private Map<Method, Object> byIdentity;
    private ConcurrentHashMap<Method, Object> bySignature;

    private Method pay;
    private Method place;
    private Object target;
    private @Nullable Object[] payArguments;
    private @Nullable Object[] placeArguments;
    private ArgumentPath paymentIdPath;
    private ArgumentPath customerIdPath;
    private SpelExpression paymentIdInterpreted;
    private SpelExpression customerIdInterpreted;
    private SpelExpression paymentIdCompiled;
    private SpelExpression customerIdCompiled;

    @Setup
    public void start() throws Exception {
        Map<Method, Object> identity = new IdentityHashMap<>();
        bySignature = new ConcurrentHashMap<>();
        for (Class<?> type : new Class<?>[] {Payments.class, Orders.class, Object.class}) {
            for (Method each : type.getMethods()) {
                identity.put(each, each.getName());
                bySignature.put(each, each.getName());
            }
        }
        method = Payments.class.getMethod("conductSerialized", String.class);
        identity.put(method, method.getName());
        byIdentity = identity;

        target = new Orders();
        pay = Orders.class.getMethod("pay", String.class);
        place = Orders.class.getMethod("place", Order.class);
        payArguments = new Object[] {"payment-1"};
        placeArguments = new Object[] {new Order(new Customer("customer-1"))};
        paymentIdPath = new ArgumentPath(0);
        customerIdPath = new ArgumentPath(0, Order.class.getMethod("customer"), Customer.class.getMethod("id"));
        SpelExpressionParser interpreted = new SpelExpressionParser();
        paymentIdInterpreted = (SpelExpression) interpreted.parseExpression(PAYMENT_ID);
        customerIdInterpreted = (SpelExpression) interpreted.parseExpression(CUSTOMER_ID);
        SpelExpressionParser mixed = new SpelExpressionParser(
                new SpelParserConfiguration(SpelCompilerMode.MIXED, getClass().getClassLoader()));
        paymentIdCompiled = compiled(mixed, PAYMENT_ID, pay, payArguments);
        customerIdCompiled = compiled(mixed, CUSTOMER_ID, place, placeArguments);
        for (Object value : new Object[] {
            paymentIdArgument(), paymentIdSpelCompiled(), paymentIdSpelCompiledLeanContext(), paymentIdSpelInterpreted()
        }) {
            check("payment-1", value);
        }
        for (Object value : new Object[] {
            customerIdArgument(),
            customerIdSpelCompiled(),
            customerIdSpelCompiledLeanContext(),
            customerIdSpelInterpreted()
        }) {
            check("customer-1", value);
        }
        check(methodByIdentity(), methodBySignature());
    }

    private static void check(@Nullable Object expected, @Nullable Object actual) {
        if (expected == null || !expected.equals(actual)) {
            throw new IllegalStateException("expected " + expected + ", got " + actual);
        }
    }

    /** Parses in MIXED mode and evaluates until SpEL has compiled the expression; fails if it will not. */
    private SpelExpression compiled(
            SpelExpressionParser parser, String source, Method on, @Nullable Object[] arguments) {
        SpelExpression expression = (SpelExpression) parser.parseExpression(source);
        for (int i = 0; i < 10; i++) {
            expression.getValue(methodContext(on, arguments));
        }
        if (!expression.compileExpression()) {
            throw new IllegalStateException("SpEL did not compile " + source);
        }
        return expression;
    }

    @Benchmark
    public @Nullable Object methodByIdentity() {
        return byIdentity.get(method);
    }

    @Benchmark
    public @Nullable Object methodBySignature() {
        return bySignature.get(method);
    }

    @Benchmark
    public @Nullable Object paymentIdArgument() {
        return paymentIdPath.evaluate(payArguments);
    }

    @Benchmark
    public @Nullable Object paymentIdSpelCompiled() {
        return paymentIdCompiled.getValue(methodContext(pay, payArguments));
    }

    @Benchmark
    public @Nullable Object paymentIdSpelCompiledLeanContext() {
        return paymentIdCompiled.getValue(new ArgumentContext(target, PAYMENT_NAMES, payArguments));
    }

    @Benchmark
    public @Nullable Object paymentIdSpelInterpreted() {
        return paymentIdInterpreted.getValue(methodContext(pay, payArguments));
    }

    @Benchmark
    public @Nullable Object customerIdArgument() {
        return customerIdPath.evaluate(placeArguments);
    }

    @Benchmark
    public @Nullable Object customerIdSpelCompiled() {
        return customerIdCompiled.getValue(methodContext(place, placeArguments));
    }

    @Benchmark
    public @Nullable Object customerIdSpelCompiledLeanContext() {
        return customerIdCompiled.getValue(new ArgumentContext(target, ORDER_NAMES, placeArguments));
    }

    @Benchmark
    public @Nullable Object customerIdSpelInterpreted() {
        return customerIdInterpreted.getValue(methodContext(place, placeArguments));
    }

    /** As the starter evaluated before 2026-12-01: each context with a property accessor of its own. */
    @Benchmark
    public @Nullable Object customerIdSpelInterpretedOwnAccessor() {
        MethodBasedEvaluationContext context =
                new MethodBasedEvaluationContext(target, place, placeArguments, parameterNames);
        context.setBeanResolver(beanResolver);
        return customerIdInterpreted.getValue(context);
    }

    /** The context the starter builds per call for an expression that SpEL evaluates. */
    private EvaluationContext methodContext(Method on, @Nullable Object[] arguments) {
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(target, on, arguments, parameterNames);
        context.setBeanResolver(beanResolver);
        context.setPropertyAccessors(PROPERTY_ACCESSORS);
        return context;
    }

    private static final List<PropertyAccessor> PROPERTY_ACCESSORS = List.of(new ReflectivePropertyAccessor(false));

    private static final String[] PAYMENT_NAMES = {"paymentId"};
    private static final String[] ORDER_NAMES = {"order"};

    /**
     * The cheapest per-call context a SpEL-only starter could build: parameter names looked up once,
     * arguments read on lookup instead of copied into variables.
     */
    private final class ArgumentContext extends StandardEvaluationContext {

        private final String[] names;
        private final @Nullable Object[] arguments;

        ArgumentContext(Object root, String[] names, @Nullable Object[] arguments) {
            super(root);
            this.names = names;
            this.arguments = arguments;
            setBeanResolver(beanResolver);
        }

        @Override
        public @Nullable Object lookupVariable(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return arguments[i];
                }
            }
            return super.lookupVariable(name);
        }
    }

    /** What the starter's argument path does: an argument, then getters, null along the way giving null. */
    private static final class ArgumentPath {

        private final int index;
        private final Method[] getters;

        ArgumentPath(int index, Method... getters) {
            this.index = index;
            this.getters = getters;
        }

        @Nullable
        Object evaluate(@Nullable Object[] arguments) {
            Object value = arguments[index];
            for (Method getter : getters) {
                if (value == null) {
                    return null;
                }
                value = ReflectionUtils.invokeMethod(getter, value);
            }
            return value;
        }
    }

    /** A customer, with the id a key reads. */
    public record Customer(String id) {}

    /** An order, whose customer a key reads. */
    public record Order(Customer customer) {}

    /** The methods whose arguments the keys read. */
    public static class Orders {

        public String pay(String paymentId) {
            return paymentId;
        }

        public String place(Order order) {
            return order.customer().id();
        }
    }
}
