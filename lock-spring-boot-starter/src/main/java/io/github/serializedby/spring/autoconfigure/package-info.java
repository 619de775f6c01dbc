/**
 * The starter's auto-configuration and its {@code serialized-by.*} properties: which {@link
 * io.github.serializedby.lock.LockProvider} is used (the application's own bean, else the one {@code
 * serialized-by.provider} names, with start-up failing rather than falling back), the {@link
 * io.github.serializedby.lock.LockExecutor} bean, the {@code @SerializedBy} advisor, HTTP answers,
 * idempotency, meters and spans, and the {@code locks} endpoint. Every bean backs off when the application
 * defines its own. {@link io.github.serializedby.spring.autoconfigure.LockProviderDecorator} beans wrap
 * the provider the executor uses; the {@code *Properties} classes are the configuration keys.
 */
@NullMarked
package io.github.serializedby.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
