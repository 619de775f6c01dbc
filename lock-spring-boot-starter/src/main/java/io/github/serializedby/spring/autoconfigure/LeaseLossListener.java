package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockListener;

/**
 * A listener that hears only {@link LockListener#leaseLost}, which providers call and the executor never
 * does: the executor is not given it, so it does not make every call read the clock and tell listeners.
 */
interface LeaseLossListener extends LockListener {}
