/**
 * {@link io.github.serializedby.lock.memory.InMemoryLockProvider}: locks within one JVM, the default
 * provider. Locks are exact per key (unrelated keys never block each other), granted first come first
 * served within a key, and a key's entry is gone once its last holder and waiter leave. Leases never
 * expire. It excludes callers of one application instance only; several instances need a shared provider
 * (lock-redis, lock-jdbc).
 */
@NullMarked
package io.github.serializedby.lock.memory;

import org.jspecify.annotations.NullMarked;
