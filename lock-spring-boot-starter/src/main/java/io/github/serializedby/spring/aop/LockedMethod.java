package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.LockedCallable;
import io.github.serializedby.spring.LockKeyEvaluationException;
import io.github.serializedby.spring.NullLockKeyException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.EvaluationException;

/** A {@code @SerializedBy} method, compiled: its lock name, settings and key expressions. */
public final class LockedMethod {

    private final String name;
    private final LockSettings settings;
    private final KeyExpression[] keys;
    private final String description;
    private final ReturnKind kind;
    private final LeaseParameter leaseParameter;
    private final boolean fenced;

    LockedMethod(
            String name,
            LockSettings settings,
            List<KeyExpression> keys,
            String description,
            ReturnKind kind,
            LeaseParameter leaseParameter,
            boolean fenced) {
        this.name = name;
        this.settings = settings;
        this.keys = keys.toArray(KeyExpression[]::new);
        this.description = description;
        this.kind = kind;
        this.leaseParameter = leaseParameter;
        this.fenced = fenced;
    }

    /** The parameter that receives the call's leases, or {@link LeaseParameter#NONE}. */
    LeaseParameter leaseParameter() {
        return leaseParameter;
    }

    /** Whether a {@link io.github.serializedby.lock.LockFence} admits the call inside its transaction. */
    public boolean fenced() {
        return fenced;
    }

    /** How the method returns its result, and so when the lock is released. */
    ReturnKind kind() {
        return kind;
    }

    /** The lock name. */
    public String name() {
        return name;
    }

    /** The effective settings. */
    public LockSettings settings() {
        return settings;
    }

    /** The key expressions as written. */
    public List<String> keyExpressions() {
        List<String> sources = new ArrayList<>(keys.length);
        for (KeyExpression key : keys) {
            sources.add(key.source());
        }
        return sources;
    }

    /**
     * Runs {@code action} under the locks of one call. The common case, one key expression that gives one
     * key, is locked as a single {@link LockRequest} without building a {@link LockSpec}: this is the one
     * place where that shortcut is taken, and the executor does the acquiring either way.
     *
     * @throws NullLockKeyException when a key is null or blank; {@code action} did not run
     * @throws LockKeyEvaluationException when SpEL cannot evaluate a key expression; {@code action} did not run
     */
    <T extends @Nullable Object, E extends Throwable> T execute(
            LockExecutor executor, @Nullable Object[] arguments, @Nullable Object target, LockedCallable<T, E> action)
            throws E {
        if (leaseParameter.present()) {
            LockSpec spec = specFor(arguments, target);
            return executor.execute(spec, () -> {
                leaseParameter.fill(arguments, spec, executor::heldByCurrentThread);
                return action.call();
            });
        }
        Object first = evaluate(keys[0], arguments, target);
        String single = keys.length == 1 ? KeyText.single(first) : null;
        if (single != null) {
            return executor.execute(
                    new LockRequest(name, single, settings.mode()), settings.policy(), settings.waitTimeout(), action);
        }
        return executor.execute(spec(first, arguments, target), action);
    }

    /**
     * What to lock for one call, as a {@link LockSpec}.
     *
     * @throws NullLockKeyException when a key is null or blank
     * @throws LockKeyEvaluationException when SpEL cannot evaluate a key expression
     */
    LockSpec specFor(@Nullable Object[] arguments, @Nullable Object target) {
        return spec(evaluate(keys[0], arguments, target), arguments, target);
    }

    /** Resolves every key expression, the first already evaluated to {@code first}. */
    private LockSpec spec(@Nullable Object first, @Nullable Object[] arguments, @Nullable Object target) {
        List<String> resolved = new ArrayList<>(keys.length + 1);
        collect(keys[0], first, resolved);
        for (int i = 1; i < keys.length; i++) {
            collect(keys[i], evaluate(keys[i], arguments, target), resolved);
        }
        return new LockSpec(name, resolved, settings.mode(), settings.policy(), settings.waitTimeout());
    }

    /**
     * The value of {@code key} for one call. An exception thrown by the application's code that the
     * expression calls (a getter, a bean) is thrown as it is, as if the method had thrown it.
     *
     * @throws LockKeyEvaluationException when SpEL cannot evaluate the expression, naming it but not the
     *     values it read
     */
    private @Nullable Object evaluate(KeyExpression key, @Nullable Object[] arguments, @Nullable Object target) {
        try {
            return key.evaluate(arguments, target);
        } catch (EvaluationException e) {
            throw new LockKeyEvaluationException(name, key.source(), description, e);
        }
    }

    private void collect(KeyExpression key, @Nullable Object value, List<String> into) {
        if (!KeyText.addKeys(value, into)) {
            throw new NullLockKeyException(name, key.source(), description);
        }
    }

    @Override
    public String toString() {
        return "LockedMethod[" + name + " " + keyExpressions() + " " + settings + "]";
    }
}
