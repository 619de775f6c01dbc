/**
 * The SerializedBy demo: a withdraw race, a per-user free-ticket race, a payment conducted twice and a
 * pet added twice under one name, each prevented with {@link io.github.serializedby.spring.SerializedBy @SerializedBy}.
 */
@NullMarked
package io.github.serializedby.demo;

import org.jspecify.annotations.NullMarked;
