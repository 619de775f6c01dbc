/** Auto-configuration and {@code serialized-by.*} properties of the SerializedBy starter. */
@NullMarked
package io.github.serializedby.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
