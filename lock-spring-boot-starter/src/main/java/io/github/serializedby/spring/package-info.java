/**
 * {@link io.github.serializedby.spring.SerializedBy @SerializedBy}: serialize concurrent calls of a Spring
 * bean's method that share a key.
 */
@NullMarked
package io.github.serializedby.spring;

import org.jspecify.annotations.NullMarked;
