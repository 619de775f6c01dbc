package io.github.serializedby.spring.idempotency;

/** A request's idempotency key cannot be honoured; {@link #reason()} says why, and the HTTP answer follows. */
public class IdempotencyException extends RuntimeException {

    /** Why the key was refused. */
    public enum Reason {

        /** The header is missing where required, blank, longer than 255 characters or not printable ASCII: 400. */
        INVALID_KEY,

        /** A request with the same key is still running: 409, retry later. */
        KEY_IN_USE,

        /** The key was first used with another request (method, path, body or caller): 422. */
        KEY_REUSED,

        /** The body is larger than {@code serialized-by.idempotency.max-body-size}: 413. */
        BODY_TOO_LARGE
    }

    private final Reason reason;

    public IdempotencyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the key was refused. */
    public Reason reason() {
        return reason;
    }
}
