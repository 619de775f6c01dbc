/**
 * The lock API: {@link io.github.serializedby.lock.LockProvider providers} hand out {@link
 * io.github.serializedby.lock.Lease leases} for a (name, key) and the {@link
 * io.github.serializedby.lock.LockExecutor} runs code under them with a {@link
 * io.github.serializedby.lock.LockPolicy policy}.
 */
@NullMarked
package io.github.serializedby.lock;

import org.jspecify.annotations.NullMarked;
