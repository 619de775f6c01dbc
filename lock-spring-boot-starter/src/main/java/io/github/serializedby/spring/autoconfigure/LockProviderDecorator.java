package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;

/**
 * Wraps the provider that the auto-configured {@link io.github.serializedby.lock.LockExecutor} uses,
 * for instrumentation or tracking. Decorator beans are applied in their order, the first innermost: the
 * {@code locks} endpoint's tracking first, meters and spans last (lowest precedence). The application's
 * {@link io.github.serializedby.lock.LockListener} beans are told outside all of them.
 */
@FunctionalInterface
public interface LockProviderDecorator {

    /** The provider to use instead of {@code provider}; it must keep the provider contract. */
    LockProvider decorate(LockProvider provider);
}
