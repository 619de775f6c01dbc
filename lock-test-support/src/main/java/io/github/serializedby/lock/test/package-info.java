/**
 * The contract every {@link io.github.serializedby.lock.LockProvider} passes, as a JUnit 5 suite to extend, and
 * {@link io.github.serializedby.lock.test.Race}, which checks that concurrent calls never overlap in a section.
 */
@NullMarked
package io.github.serializedby.lock.test;

import org.jspecify.annotations.NullMarked;
