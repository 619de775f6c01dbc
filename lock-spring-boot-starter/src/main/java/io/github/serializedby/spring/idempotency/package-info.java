/**
 * The machinery behind {@code @Idempotent}: the request and response buffering filter and the handler
 * interceptor that locks, stores and replays. Not an API.
 */
@NullMarked
package io.github.serializedby.spring.idempotency;

import org.jspecify.annotations.NullMarked;
