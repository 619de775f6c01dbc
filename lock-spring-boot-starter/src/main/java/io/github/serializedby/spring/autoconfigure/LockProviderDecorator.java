package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;

/**
 * Wraps the provider that the auto-configured {@link io.github.serializedby.lock.LockExecutor} uses,
 * for instrumentation or tracking. Decorator beans are applied in their order, the first innermost.
 */
@FunctionalInterface
public interface LockProviderDecorator {

    /** The provider to use instead of {@code provider}; it must keep the provider contract. */
    LockProvider decorate(LockProvider provider);
}
