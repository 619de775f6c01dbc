package io.github.serializedby.spring;

import io.github.serializedby.lock.LockException;

/** A {@link SerializedBy} key expression evaluated to null or blank text; the method did not run. */
public class NullLockKeyException extends LockException {

    private final String expression;

    public NullLockKeyException(String lockName, String expression, String methodDescription) {
        super(
                lockName,
                "Lock key expression '" + expression + "' of " + methodDescription
                        + " evaluated to null or blank; refusing to lock or run the method");
        this.expression = expression;
    }

    /** The key expression as written in the annotation. */
    public String expression() {
        return expression;
    }
}
