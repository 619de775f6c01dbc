/** Actuator support: the {@code locks} endpoint and the lock provider's health. */
@NullMarked
package io.github.serializedby.spring.actuate;

import org.jspecify.annotations.NullMarked;
