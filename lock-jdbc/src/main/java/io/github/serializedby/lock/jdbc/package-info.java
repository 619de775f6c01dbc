/**
 * What the JDBC lock providers share: their threads and waiting room, lock ids, fencing-token blocks,
 * schema files and common builder options. Internal to lock-jdbc, public only for the provider packages
 * {@link io.github.serializedby.lock.jdbc.advisory} (PostgreSQL advisory locks) and {@link
 * io.github.serializedby.lock.jdbc.table} (a lease table), and the fence {@link
 * io.github.serializedby.lock.jdbc.fence}; not API, except the options of {@link
 * io.github.serializedby.lock.jdbc.JdbcProviderBuilder}, which callers use through each provider's
 * builder.
 */
@NullMarked
package io.github.serializedby.lock.jdbc;

import org.jspecify.annotations.NullMarked;
