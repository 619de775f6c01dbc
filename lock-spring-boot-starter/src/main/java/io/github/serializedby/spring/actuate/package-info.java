/**
 * Actuator support: the {@code locks} endpoint ({@link io.github.serializedby.spring.actuate.LocksEndpoint})
 * with the provider, each lock name's settings and the locks this instance holds with their waiters (and
 * a force-release, only when enabled), and a health indicator that asks the provider for a probe key.
 */
@NullMarked
package io.github.serializedby.spring.actuate;

import org.jspecify.annotations.NullMarked;
