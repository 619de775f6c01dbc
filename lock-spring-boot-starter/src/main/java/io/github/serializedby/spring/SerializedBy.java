package io.github.serializedby.spring;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Runs the method under a per-key lock: concurrent calls whose keys are equal run one at a time (or are
 * turned away), while calls with other keys run in parallel.
 *
 * <pre>{@code
 * @SerializedBy("#paymentId")
 * public Payment conduct(String paymentId) { ... }
 *
 * @SerializedBy(value = {"#from", "#to"}, name = "account")   // both accounts, deadlock-free
 * public void transfer(String from, String to, long amount) { ... }
 * }</pre>
 *
 * <p>Keys are SpEL expressions over the arguments: parameter names ({@code #paymentId}, {@code
 * #request.accountId}), positions ({@code #p0}, {@code #a0}), bean references ({@code
 * @tenantResolver.current()}) and literals. A key that evaluates to null or blank is refused with {@link
 * NullLockKeyException}. Expressions are parsed and checked when the application starts.
 *
 * <p>Works through a Spring AOP proxy: a call from inside the same object ({@code this.conduct(id)})
 * does not pass the proxy and is not locked. Methods a proxy cannot intercept (private, final, static)
 * fail the application start.
 *
 * <p>The call's leases and their fencing tokens are at hand inside the method: declare a parameter of
 * type {@link io.github.serializedby.lock.Lease} (one key) or {@link io.github.serializedby.lock.HeldLocks}
 * (one lease per key), which the interceptor fills (callers pass null), or read {@link
 * io.github.serializedby.lock.HeldLocks#current()} on the calling thread, or {@link
 * HeldLocksContext#current()} in a {@code Mono} or {@code Flux}.
 *
 * <p>String attributes accept {@code ${...}} placeholders. Attributes left out inherit from {@code
 * serialized-by.instances.<instance>.*}, then from the {@code serialized-by.*} defaults.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SerializedBy {

    /** The key expressions; several lock several keys at once. Alias for {@link #keys()}. */
    @AliasFor("keys")
    String[] value() default {};

    /** The key expressions; several lock several keys at once. Alias for {@link #value()}. */
    @AliasFor("value")
    String[] keys() default {};

    /**
     * The lock's namespace: methods with the same name share locks for equal keys (say {@code withdraw}
     * and {@code deposit} on one account). Defaults to {@code SimpleClassName.method}.
     */
    String name() default "";

    /** What a caller does when the key is held; at most one value. Defaults to the configured policy. */
    LockPolicy[] policy() default {};

    /**
     * The longest wait under {@link LockPolicy#WAIT}, as {@code 500ms}, {@code 2s} or ISO-8601 ({@code
     * PT2S}). Defaults to the configured wait timeout.
     */
    String waitTimeout() default "";

    /** Exclusive or shared; at most one value. Defaults to the configured mode. */
    LockMode[] mode() default {};

    /**
     * The most callers that may wait for one key of this lock in this JVM; one more is refused at once
     * with {@link io.github.serializedby.lock.LockQueueFullException}. At most one value. Defaults to the
     * configured {@code max-waiters}. Every method of one lock name must agree on it.
     */
    int[] maxWaiters() default {};

    /**
     * The named configuration, {@code serialized-by.instances.<instance>}, this method takes its defaults
     * from. Defaults to the lock name when such an instance exists.
     */
    String instance() default "";

    /**
     * Whether the application's {@link io.github.serializedby.lock.LockFence} admits each key's lease as
     * the first step of the method's transaction, before the method reads anything, so that a holder
     * whose lock was lost meanwhile is refused with {@link
     * io.github.serializedby.lock.StaleFencingTokenException} and its transaction rolls back. The method
     * must return a value and start its own transaction inside the lock ({@code @Transactional}); see
     * docs/fencing.md.
     */
    boolean fenced() default false;
}
