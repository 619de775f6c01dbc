/**
 * The contract every {@link io.github.serializedby.idempotency.IdempotencyStore} passes, as a JUnit 5 suite to
 * extend.
 */
@NullMarked
package io.github.serializedby.idempotency.test;

import org.jspecify.annotations.NullMarked;
