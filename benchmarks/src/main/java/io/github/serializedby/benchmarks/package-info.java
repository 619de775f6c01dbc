/** JMH benchmarks and measurements of SerializedBy against the floor and its peers. */
@NullMarked
package io.github.serializedby.benchmarks;

import org.jspecify.annotations.NullMarked;
