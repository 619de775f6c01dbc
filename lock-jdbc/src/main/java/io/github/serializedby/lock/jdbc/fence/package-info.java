/**
 * Fencing in a relational database: {@link io.github.serializedby.lock.jdbc.fence.JdbcLockFence} admits
 * a lease's holder to a resource in the caller's transaction, or refuses it when a newer lease has been
 * there.
 */
@NullMarked
package io.github.serializedby.lock.jdbc.fence;

import org.jspecify.annotations.NullMarked;
