/**
 * Fencing for Redis data: {@link io.github.serializedby.lock.redis.fence.RedisFencedWrites} reads and
 * writes values that refuse a holder whose lease was lost.
 */
@NullMarked
package io.github.serializedby.lock.redis.fence;

import org.jspecify.annotations.NullMarked;
