package io.github.serializedby.spring.autoconfigure;

/** Thrown at start-up when the lock provider in use is not the one {@code serialized-by.provider} names. */
final class LockProviderMismatchException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    LockProviderMismatchException(String mismatch) {
        super(mismatch);
    }
}
