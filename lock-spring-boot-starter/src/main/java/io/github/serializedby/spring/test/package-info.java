/** {@link io.github.serializedby.spring.test.AutoConfigureSerializedBy}: the starter in sliced tests. */
@NullMarked
package io.github.serializedby.spring.test;

import org.jspecify.annotations.NullMarked;
