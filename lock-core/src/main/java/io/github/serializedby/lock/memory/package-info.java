/** The in-memory lock provider: per-key locks within one JVM, the default. */
@NullMarked
package io.github.serializedby.lock.memory;

import org.jspecify.annotations.NullMarked;
