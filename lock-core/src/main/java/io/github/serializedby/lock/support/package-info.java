/**
 * Building blocks for writing or wrapping a {@link io.github.serializedby.lock.LockProvider}.
 *
 * <ul>
 *   <li>Wrapping: {@link io.github.serializedby.lock.support.ForwardingLockProvider} forwards every
 *       method, default ones included, so a wrapper overrides only what it observes; {@link
 *       io.github.serializedby.lock.support.ForwardingLease} does the same for its leases, and {@link
 *       io.github.serializedby.lock.support.ListeningLockProvider} is the wrapper that tells {@link
 *       io.github.serializedby.lock.LockListener}s.
 *   <li>Leases: {@link io.github.serializedby.lock.support.AbstractLease} releases exactly once however
 *       often it is called; {@link io.github.serializedby.lock.support.LeaseFutures} helps wrappers of
 *       asynchronous acquisitions.
 *   <li>A provider over a shared store (a database, Redis): the store implements {@link
 *       io.github.serializedby.lock.support.LockStore} and only tries, holds and releases ({@link
 *       io.github.serializedby.lock.support.StoredLock}); the {@link
 *       io.github.serializedby.lock.support.WaitingRoom} does the waiting, ordering and hand-over in the
 *       JVM.
 *   <li>{@link io.github.serializedby.lock.support.NonBlockingThreads} recognises event-loop threads that
 *       a blocking call must refuse.
 * </ul>
 */
@NullMarked
package io.github.serializedby.lock.support;

import org.jspecify.annotations.NullMarked;
