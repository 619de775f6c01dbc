/**
 * Micrometer Observation instrumentation of lock acquisition and holding: one instrumentation gives
 * timers, long-task timers and trace spans.
 */
@NullMarked
package io.github.serializedby.spring.observation;

import org.jspecify.annotations.NullMarked;
