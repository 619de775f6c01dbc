/** Building blocks for writing a {@link io.github.serializedby.lock.LockProvider}. */
@NullMarked
package io.github.serializedby.lock.support;

import org.jspecify.annotations.NullMarked;
