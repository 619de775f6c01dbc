package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import java.time.Duration;

/**
 * The effective configuration of one lock. The lease time of remote providers is not among it: it is one
 * for the whole provider ({@code serialized-by.lease-time}).
 *
 * @param policy fail at once or wait
 * @param waitTimeout the longest wait under {@link LockPolicy#WAIT}
 * @param mode exclusive or shared
 */
public record LockSettings(LockPolicy policy, Duration waitTimeout, LockMode mode) {}
