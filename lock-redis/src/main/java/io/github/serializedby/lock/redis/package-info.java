/**
 * The Redis lock provider: {@link io.github.serializedby.lock.redis.RedisLockProvider} keeps per-key locks in
 * Redis through Spring Data Redis and Lettuce, so that several instances of an application exclude each
 * other.
 */
@NullMarked
package io.github.serializedby.lock.redis;

import org.jspecify.annotations.NullMarked;
