/**
 * The correctness harness: worker JVMs lock random keys of one provider and update a counter in
 * PostgreSQL, each transaction guarded by the library's {@code JdbcLockFence} (or, in control runs, by
 * the token check of the write alone), while the coordinator injects faults and checks the recorded
 * history.
 */
@NullMarked
package io.github.serializedby.harness;

import org.jspecify.annotations.NullMarked;
