package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import java.time.Duration;

/**
 * The effective configuration of one lock.
 *
 * @param policy fail at once or wait
 * @param waitTimeout the longest wait under {@link LockPolicy#WAIT}
 * @param leaseTime how long a remote provider keeps the lock without renewal
 * @param mode exclusive or shared
 */
public record LockSettings(LockPolicy policy, Duration waitTimeout, Duration leaseTime, LockMode mode) {}
