/**
 * {@link io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider}: locks held as
 * PostgreSQL's session-level advisory locks.
 */
@NullMarked
package io.github.serializedby.lock.jdbc.advisory;

import org.jspecify.annotations.NullMarked;
