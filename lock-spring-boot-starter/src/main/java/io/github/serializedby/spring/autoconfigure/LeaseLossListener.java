package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockListener;

/**
 * A listener that hears only {@link LockListener#leaseLost}, which providers tell: it is given to the
 * providers alone, not to the executor's listening layer, so it does not make every call read the clock
 * and tell listeners.
 */
interface LeaseLossListener extends LockListener {}
