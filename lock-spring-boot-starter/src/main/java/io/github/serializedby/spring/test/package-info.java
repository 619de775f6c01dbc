/**
 * Test support: {@link io.github.serializedby.spring.test.AutoConfigureSerializedBy} adds the starter to a
 * test slice (such as {@code @DataJpaTest}) or a test without auto-configuration, so that {@code
 * @SerializedBy} methods are locked there as in the application.
 */
@NullMarked
package io.github.serializedby.spring.test;

import org.jspecify.annotations.NullMarked;
