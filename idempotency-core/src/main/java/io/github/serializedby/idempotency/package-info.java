/**
 * Stored responses for idempotency keys: a retried request is answered from the store instead of being
 * executed twice. The store is pluggable: in memory here, in Redis and in a database beside the lock
 * providers of those modules. Plain Java, independent of the lock API.
 */
@NullMarked
package io.github.serializedby.idempotency;

import org.jspecify.annotations.NullMarked;
