package io.github.serializedby.spring;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A {@link SerializedBy} declaration is wrong (an expression that does not parse, names a parameter the
 * method lacks, a method a proxy cannot intercept...). Thrown while the application starts, naming the
 * class, the method and the expression.
 */
public class SerializedByConfigurationException extends IllegalStateException {

    private final String methodDescription;
    private final String problem;

    public SerializedByConfigurationException(Method method, String problem, Throwable cause) {
        super(message(method, problem), cause);
        this.methodDescription = describe(method);
        this.problem = problem;
    }

    public SerializedByConfigurationException(Method method, String problem) {
        super(message(method, problem));
        this.methodDescription = describe(method);
        this.problem = problem;
    }

    /** The method, as {@code com.example.PaymentService.conduct(String)}. */
    public String methodDescription() {
        return methodDescription;
    }

    /** What is wrong, without the method. */
    public String problem() {
        return problem;
    }

    /** Describes a method as {@code com.example.PaymentService.conduct(String)}. */
    public static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName()
                + Arrays.stream(method.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String message(Method method, String problem) {
        return "Invalid @SerializedBy on " + describe(method) + ": " + problem;
    }
}
