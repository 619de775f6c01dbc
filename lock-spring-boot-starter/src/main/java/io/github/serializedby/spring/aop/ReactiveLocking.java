package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockSpec;
import org.aopalliance.intercept.MethodInvocation;

/** Locks methods returning reactive types; present only when Reactor is on the classpath. */
interface ReactiveLocking {

    /**
     * The method's publisher, wrapped so that it runs under the locks of {@code spec}, with the call's
     * leases in {@code parameter}.
     */
    Object lock(LockSpec spec, MethodInvocation invocation, ReturnKind kind, LeaseParameter parameter);

    /** A publisher of the method's kind that signals {@code failure} to its subscriber. */
    Object refuse(RuntimeException failure, ReturnKind kind);
}
