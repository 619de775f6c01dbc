package io.github.serializedby.lock;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link LockExecutor} locks for one call: one or more keys in one namespace, the mode, and what
 * to do when a key is held.
 *
 * <p>It differs from a {@link LockRequest}, which is one key in one mode as a provider sees it, by
 * carrying the keys of a whole call and how long that call may wait for them; the executor turns a spec
 * into requests in canonical order. The starter builds a spec per call from a method's settings (which
 * have no keys) and the keys resolved from its arguments.
 *
 * @param name the lock's namespace
 * @param keys the keys to lock together; order and duplicates do not matter
 * @param mode exclusive or shared
 * @param policy fail at once, or wait
 * @param waitTimeout the longest wait under {@link LockPolicy#WAIT}, for all keys together
 */
public record LockSpec(String name, List<String> keys, LockMode mode, LockPolicy policy, Duration waitTimeout) {

    /** Checks the arguments and copies the key list. */
    public LockSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("At least one key is needed for lock '" + name + "'");
        }
        if (waitTimeout.isNegative()) {
            throw new IllegalArgumentException("Wait timeout of lock '" + name + "' must not be negative");
        }
    }

    /** Exclusive and fail-fast. */
    public static LockSpec failFast(String name, String... keys) {
        return new LockSpec(name, List.of(keys), LockMode.EXCLUSIVE, LockPolicy.FAIL_FAST, Duration.ZERO);
    }

    /** Exclusive, waiting up to {@code waitTimeout}. */
    public static LockSpec waiting(String name, Duration waitTimeout, String... keys) {
        return new LockSpec(name, List.of(keys), LockMode.EXCLUSIVE, LockPolicy.WAIT, waitTimeout);
    }

    /** The same spec in another mode. */
    public LockSpec withMode(LockMode newMode) {
        return new LockSpec(name, keys, newMode, policy, waitTimeout);
    }
}
