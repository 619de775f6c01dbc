/**
 * The lock API, plain Java without Spring. A {@link io.github.serializedby.lock.LockProvider} hands out
 * {@link io.github.serializedby.lock.Lease leases} for a {@link io.github.serializedby.lock.LockRequest}
 * (a name, a key and a {@link io.github.serializedby.lock.LockMode mode}); a lease owns its lock until
 * released, from any thread, and carries a fencing token. The {@link
 * io.github.serializedby.lock.LockExecutor} runs code under the keys of a {@link
 * io.github.serializedby.lock.LockSpec}: several keys in a canonical order, a {@link
 * io.github.serializedby.lock.LockPolicy policy} (fail at once or wait), re-entry on the same thread,
 * and every lease released exactly once. Failures are {@link io.github.serializedby.lock.LockException}s
 * (unchecked); {@link io.github.serializedby.lock.LockListener}s hear acquisitions and releases.
 *
 * <p>Providers live in {@link io.github.serializedby.lock.memory} (in memory, the default) and in the
 * lock-redis and lock-jdbc modules; {@link io.github.serializedby.lock.support} holds what a provider or
 * a wrapper of one builds on.
 */
@NullMarked
package io.github.serializedby.lock;

import org.jspecify.annotations.NullMarked;
