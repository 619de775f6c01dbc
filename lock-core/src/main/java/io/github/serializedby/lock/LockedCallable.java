package io.github.serializedby.lock;

import org.jspecify.annotations.Nullable;

/**
 * Code to run under a lock, free to throw any exception, checked or not.
 *
 * @param <T> the result
 * @param <E> what it may throw
 */
@FunctionalInterface
public interface LockedCallable<T extends @Nullable Object, E extends Throwable> {

    /** Runs the code. */
    T call() throws E;
}
