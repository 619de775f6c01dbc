package io.github.serializedby.spring;

/**
 * SpEL could not evaluate a {@link SerializedBy} key expression for a call (a property it names does not
 * exist on the argument's class, a value it cannot convert); the method did not run. An exception thrown
 * by the application's code that the expression calls is not wrapped in it: it is thrown as it is. A programming error,
 * not a client's, so not a {@link io.github.serializedby.lock.LockException}: over HTTP it is the 500 of
 * any unhandled exception. The message names the method, the expression and the lock, never the values
 * the expression read; the cause, the failure itself, is kept as it is and may hold them.
 */
public class LockKeyEvaluationException extends IllegalStateException {

    private final String lockName;
    private final String expression;
    private final String methodDescription;

    /**
     * @param lockName the lock whose key was being resolved
     * @param expression the key expression as written
     * @param methodDescription the method, as {@code com.example.PaymentService.conduct(String)}
     * @param cause the failure of the expression, kept as the cause only: its message may hold the values
     */
    public LockKeyEvaluationException(
            String lockName, String expression, String methodDescription, RuntimeException cause) {
        super(
                "Lock key expression '" + expression + "' of " + methodDescription + " (lock '" + lockName
                        + "') failed with " + cause.getClass().getName()
                        + "; refusing to lock or run the method",
                cause);
        this.lockName = lockName;
        this.expression = expression;
        this.methodDescription = methodDescription;
    }

    /** The name of the lock whose key could not be resolved. */
    public String lockName() {
        return lockName;
    }

    /** The key expression as written in the annotation. */
    public String expression() {
        return expression;
    }

    /** The method, as {@code com.example.PaymentService.conduct(String)}. */
    public String methodDescription() {
        return methodDescription;
    }
}
