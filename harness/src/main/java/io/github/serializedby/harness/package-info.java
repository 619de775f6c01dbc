/**
 * The correctness harness: worker JVMs lock random keys of one provider and update a fenced counter in
 * PostgreSQL, while the coordinator injects faults and checks the recorded history.
 */
@NullMarked
package io.github.serializedby.harness;

import org.jspecify.annotations.NullMarked;
