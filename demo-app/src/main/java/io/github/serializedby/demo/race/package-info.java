/** {@link io.github.serializedby.demo.race.RaceCheck}: fires concurrent requests at a running demo. */
@NullMarked
package io.github.serializedby.demo.race;

import org.jspecify.annotations.NullMarked;
