/**
 * JMH benchmarks and measurements of SerializedBy against floors (the same work done by hand: a proxy
 * with a map lock, raw Redis commands, raw advisory locks) and its peers: the uncontended call, the key
 * path, hand-offs within one JVM and between instances, the providers in memory, on Redis and on
 * PostgreSQL, the overhead over HTTP and the memory per held key. {@link
 * io.github.serializedby.benchmarks.BenchmarkReport} runs them together and prints their ratios. Not
 * published.
 */
@NullMarked
package io.github.serializedby.benchmarks;

import org.jspecify.annotations.NullMarked;
