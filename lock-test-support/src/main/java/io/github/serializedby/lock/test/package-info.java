/** The contract every {@link io.github.serializedby.lock.LockProvider} passes, as a JUnit 5 suite to extend. */
@NullMarked
package io.github.serializedby.lock.test;

import org.jspecify.annotations.NullMarked;
