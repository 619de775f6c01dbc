/**
 * The SerializedBy demo: a withdraw race, a per-user free-ticket race and a payment conducted twice,
 * each prevented with {@link io.github.serializedby.spring.SerializedBy @SerializedBy}.
 */
@NullMarked
package io.github.serializedby.demo;

import org.jspecify.annotations.NullMarked;
