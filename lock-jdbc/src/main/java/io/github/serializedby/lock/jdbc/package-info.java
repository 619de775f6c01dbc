/**
 * Lock providers on a relational database: {@link io.github.serializedby.lock.jdbc.PostgresAdvisoryLockProvider}
 * on PostgreSQL's session-level advisory locks, and {@link
 * io.github.serializedby.lock.jdbc.JdbcLeaseTableLockProvider} on a lease table that PostgreSQL,
 * MariaDB/MySQL and H2 can hold.
 */
@NullMarked
package io.github.serializedby.lock.jdbc;

import org.jspecify.annotations.NullMarked;
