/**
 * Stored responses for idempotency keys: a retried request is answered from the store instead of being
 * executed twice. The store is pluggable: in memory here, Redis and JDBC in their modules.
 */
@NullMarked
package io.github.serializedby.lock.idempotency;

import org.jspecify.annotations.NullMarked;
