/**
 * {@link io.github.serializedby.spring.idempotency.Idempotent @Idempotent}: a retried Spring MVC request with
 * the same idempotency key is answered with the first response instead of running again. The annotation
 * and {@link io.github.serializedby.spring.idempotency.IdempotencyException} are the API; the filter and the
 * interceptor that lock, store and replay are the machinery behind it.
 */
@NullMarked
package io.github.serializedby.spring.idempotency;

import org.jspecify.annotations.NullMarked;
