package io.github.serializedby.spring;

import io.github.serializedby.lock.InvalidLockKeyException;

/**
 * A {@link SerializedBy} key expression evaluated to null or blank text; the method did not run. The
 * missing-key case of {@link InvalidLockKeyException}, answered over HTTP with its own problem type.
 */
public class NullLockKeyException extends InvalidLockKeyException {

    private final String expression;

    public NullLockKeyException(String lockName, String expression, String methodDescription) {
        super(
                lockName,
                "null or blank",
                "Lock key expression '" + expression + "' of " + methodDescription
                        + " evaluated to null or blank; refusing to lock or run the method");
        this.expression = expression;
    }

    /** The key expression as written in the annotation. */
    public String expression() {
        return expression;
    }
}
