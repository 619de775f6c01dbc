package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockedCallable;
import io.github.serializedby.lock.StaleFencingTokenException;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.interceptor.TransactionAspectSupport;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Admits the leases of a {@code @SerializedBy(fenced = true)} call through the {@link LockFence}, as the
 * first step inside the call's transaction. The lock interceptor, outside the transaction, takes the locks
 * and hands the call's leases over on its thread ({@link #handOver}); this interceptor, the proxy's
 * innermost advice and so inside the transaction interceptor, takes them, calls {@link LockFence#admit}
 * for each, then runs the method. A refusal propagates, so the transaction rolls back.
 *
 * <p>The transaction must be the call's own, begun under its locks. A call that joins a caller's
 * transaction is let through only when that transaction has already admitted all of its leases (a nested
 * fenced call re-entering its caller's keys); otherwise the transaction began before the lock was taken
 * and may have read the data already, so the call is refused.
 *
 * <p>A call that begins a new transaction ({@code REQUIRES_NEW}) on a key that a transaction still open on
 * its thread (suspended by it) has admitted is refused too: that transaction keeps the fence row locked
 * until it ends, so the new one would wait for its own thread.
 */
public final class FenceInterceptor implements MethodInterceptor {

    private static final Log LOG = LogFactory.getLog(FenceInterceptor.class);
    private static final ThreadLocal<@Nullable HeldLocks> PENDING = new ThreadLocal<>();
    /** The resources admitted by this thread's open transactions, suspended ones included, and by which. */
    private static final ThreadLocal<@Nullable Map<LockRequest, Admitted>> OPEN = new ThreadLocal<>();

    private final Supplier<LockFence> fence;
    private final Consumer<StaleFencingTokenException> refusals;

    /**
     * @param fence supplies the fence on first use
     * @param refusals hears each refusal, after it is logged and before it propagates
     */
    public FenceInterceptor(Supplier<LockFence> fence, Consumer<StaleFencingTokenException> refusals) {
        this.fence = fence;
        this.refusals = refusals;
    }

    /** Runs {@code action}, the rest of a fenced call's interceptor chain, with {@code call} handed over. */
    static <T extends @Nullable Object, E extends Throwable> T handOver(HeldLocks call, LockedCallable<T, E> action)
            throws E {
        HeldLocks outer = PENDING.get();
        PENDING.set(call);
        try {
            return action.call();
        } finally {
            if (outer == null) {
                PENDING.remove();
            } else {
                PENDING.set(outer);
            }
        }
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        HeldLocks call = PENDING.get();
        PENDING.remove();
        if (call == null) {
            throw new IllegalStateException("fenced method " + invocation.getMethod()
                    + " was reached without its locks; is the @SerializedBy advisor applied to this bean?");
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "fenced method " + invocation.getMethod() + " runs without a transaction to admit it in");
        }
        Admitted admitted = admittedInThisTransaction();
        TransactionStatus status = TransactionAspectSupport.currentTransactionStatus();
        if (!status.isNewTransaction() && !admitted.leases.containsAll(call.leases())) {
            throw new IllegalTransactionStateException("fenced method " + invocation.getMethod()
                    + " joined a transaction that began before its lock was taken, so it may already have"
                    + " read what the lock protects; let the fenced method begin the transaction");
        }
        refuseWhatAnEnclosingTransactionAdmitted(invocation, call, admitted);
        for (Lease lease : call.leases()) {
            if (!admitted.leases.contains(lease)) {
                admit(lease);
                admitted.add(lease);
            }
        }
        return invocation.proceed();
    }

    private static void refuseWhatAnEnclosingTransactionAdmitted(
            MethodInvocation invocation, HeldLocks call, Admitted admitted) {
        Map<LockRequest, Admitted> open = OPEN.get();
        if (open == null) {
            return;
        }
        for (Lease lease : call.leases()) {
            Admitted by = open.get(lease.request());
            if (by != null && by != admitted) {
                throw new IllegalTransactionStateException("fenced method " + invocation.getMethod()
                        + " begins a new transaction on lock '"
                        + lease.request().name() + "' while a transaction"
                        + " suspended on its thread has admitted the same key and keeps its fence row locked, so"
                        + " it would wait for itself; let it join the caller's transaction instead");
            }
        }
    }

    private void admit(Lease lease) {
        try {
            fence.get().admit(lease);
        } catch (StaleFencingTokenException e) {
            LOG.warn("Lock '" + e.lockName() + "' was lost while its holder ran: fencing token " + e.token()
                    + " refused, the resource has seen " + e.storedToken() + "; the transaction rolls back");
            refusals.accept(e);
            throw e;
        }
    }

    /** The leases admitted in the current transaction, kept by a synchronization that ends with it. */
    private static Admitted admittedInThisTransaction() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return new Admitted(false);
        }
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof Admitted admitted) {
                return admitted;
            }
        }
        Admitted admitted = new Admitted(true);
        TransactionSynchronizationManager.registerSynchronization(admitted);
        return admitted;
    }

    /**
     * The leases one transaction admitted; suspended and resumed with it, dropped when it ends. A
     * registered one also records its resources in {@link #OPEN} until the transaction completes.
     */
    private static final class Admitted implements TransactionSynchronization {
        final Set<Lease> leases = Collections.newSetFromMap(new IdentityHashMap<>());
        private final boolean registered;

        Admitted(boolean registered) {
            this.registered = registered;
        }

        void add(Lease lease) {
            leases.add(lease);
            if (registered) {
                Map<LockRequest, Admitted> open = OPEN.get();
                if (open == null) {
                    open = new HashMap<>();
                    OPEN.set(open);
                }
                open.putIfAbsent(lease.request(), this);
            }
        }

        /** First, so that other after-commit callbacks see the committed transaction's rows unlocked. */
        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        /** Committed: its fence rows are no longer locked, so a new transaction may admit their keys. */
        @Override
        public void afterCommit() {
            forget();
        }

        @Override
        public void afterCompletion(int status) {
            forget();
        }

        private void forget() {
            Map<LockRequest, Admitted> open = OPEN.get();
            if (open == null) {
                return;
            }
            open.values().removeIf(by -> by == this);
            if (open.isEmpty()) {
                OPEN.remove();
            }
        }
    }
}
