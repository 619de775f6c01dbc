package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.support.WaitLimits;
import java.time.Duration;

/**
 * The effective configuration of one {@code @SerializedBy} method: how it locks, without what it locks.
 * It is fixed when the method is compiled, from the annotation, its named instance
 * ({@code serialized-by.instances.<name>}) and the defaults ({@code serialized-by.*}), all resolved, so
 * nothing in it is missing. It differs from the bound properties of an instance, whose unset fields mean
 * "inherit", and from a {@link io.github.serializedby.lock.LockSpec}, which adds the keys of one call. The
 * {@code locks} endpoint shows it per lock name. The lease time of remote providers is not among it: it is
 * one for the whole provider ({@code serialized-by.lease-time}).
 *
 * @param policy fail at once or wait
 * @param waitTimeout the longest wait under {@link LockPolicy#WAIT}
 * @param mode exclusive or shared
 * @param waitLimits the bounds on the callers that wait for the lock name in this JVM
 */
public record LockSettings(LockPolicy policy, Duration waitTimeout, LockMode mode, WaitLimits waitLimits) {}
