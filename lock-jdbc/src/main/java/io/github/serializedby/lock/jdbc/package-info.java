/**
 * What the JDBC lock providers share: their threads and waiting room, lock ids, fencing-token blocks and
 * schema files. Internal to lock-jdbc, public only for the provider packages {@link
 * io.github.serializedby.lock.jdbc.advisory} (PostgreSQL advisory locks) and {@link
 * io.github.serializedby.lock.jdbc.table} (a lease table); not API.
 */
@NullMarked
package io.github.serializedby.lock.jdbc;

import org.jspecify.annotations.NullMarked;
