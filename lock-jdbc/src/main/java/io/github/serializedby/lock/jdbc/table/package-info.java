/**
 * {@link io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider}: locks kept as leases in a
 * table that PostgreSQL, MariaDB/MySQL and H2 can hold.
 */
@NullMarked
package io.github.serializedby.lock.jdbc.table;

import org.jspecify.annotations.NullMarked;
