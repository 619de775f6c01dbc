/**
 * Responses for idempotency keys kept in Redis: {@link io.github.serializedby.idempotency.redis.RedisIdempotencyStore}
 * shares them between the instances of an application. It lives in this module beside the Redis lock
 * provider because both need only Spring Data Redis, but it is no part of the lock API.
 */
@NullMarked
package io.github.serializedby.idempotency.redis;

import org.jspecify.annotations.NullMarked;
