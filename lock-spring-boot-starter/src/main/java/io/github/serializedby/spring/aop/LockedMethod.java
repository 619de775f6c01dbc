package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.LockedCallable;
import io.github.serializedby.spring.NullLockKeyException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A {@code @SerializedBy} method, compiled: its lock name, settings and key expressions. */
public final class LockedMethod {

    private final String name;
    private final LockSettings settings;
    private final KeyExpression[] keys;
    private final String description;
    private final ReturnKind kind;

    LockedMethod(String name, LockSettings settings, List<KeyExpression> keys, String description, ReturnKind kind) {
        this.name = name;
        this.settings = settings;
        this.keys = keys.toArray(KeyExpression[]::new);
        this.description = description;
        this.kind = kind;
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
     * Runs {@code action} under the locks of one call; one key is locked without building a {@link
     * LockSpec}.
     *
     * @throws NullLockKeyException when a key is null or blank; {@code action} did not run
     */
    <T extends @Nullable Object, E extends Throwable> T execute(
            LockExecutor executor, @Nullable Object[] arguments, @Nullable Object target, LockedCallable<T, E> action)
            throws E {
        if (keys.length != 1) {
            return executor.execute(specFor(arguments, target), action);
        }
        Object value = keys[0].evaluate(arguments, target);
        String key = KeyText.single(value);
        if (key == null) {
            return executor.execute(spec(collect(keys[0], value, new ArrayList<>(2))), action);
        }
        return executor.execute(
                new LockRequest(name, key, settings.mode()), settings.policy(), settings.waitTimeout(), action);
    }

    /**
     * What to lock for one call.
     *
     * @throws NullLockKeyException when a key is null or blank
     */
    LockSpec specFor(@Nullable Object[] arguments, @Nullable Object target) {
        List<String> resolved;
        if (keys.length == 1) {
            Object value = keys[0].evaluate(arguments, target);
            String single = KeyText.single(value);
            resolved = single != null ? List.of(single) : collect(keys[0], value, new ArrayList<>(2));
        } else {
            resolved = new ArrayList<>(keys.length);
            for (KeyExpression key : keys) {
                collect(key, key.evaluate(arguments, target), resolved);
            }
        }
        return spec(resolved);
    }

    private LockSpec spec(List<String> keys) {
        return new LockSpec(name, keys, settings.mode(), settings.policy(), settings.waitTimeout());
    }

    private List<String> collect(KeyExpression key, @Nullable Object value, List<String> into) {
        if (!KeyText.addKeys(value, into)) {
            throw new NullLockKeyException(name, key.source(), description);
        }
        return into;
    }

    @Override
    public String toString() {
        return "LockedMethod[" + name + " " + keyExpressions() + " " + settings + "]";
    }
}
