/**
 * Responses for idempotency keys kept in a relational database: {@link
 * io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore} shares them between the instances of an
 * application. It lives in this module beside the database lock providers because both need only Spring
 * JDBC, but it is no part of the lock API.
 */
@NullMarked
package io.github.serializedby.idempotency.jdbc;

import org.jspecify.annotations.NullMarked;
