package io.github.serializedby.lock;

import java.util.Comparator;
import java.util.Objects;

/**
 * One lock to acquire: the {@code name} is the namespace (often a method or a use case), the {@code key}
 * the resource within it, and together they identify the lock. Requests sort in the canonical order in
 * which several keys are acquired.
 *
 * @param name the lock's namespace, never blank
 * @param key the resource within the namespace, never blank
 * @param mode exclusive or shared
 */
public record LockRequest(String name, String key, LockMode mode) implements Comparable<LockRequest> {

    private static final Comparator<LockRequest> CANONICAL_ORDER =
            Comparator.comparing(LockRequest::name).thenComparing(LockRequest::key);

    /** Validates that name and key are present and not blank. */
    public LockRequest {
        Objects.requireNonNull(mode, "mode");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Lock name must not be blank");
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("Lock key must not be blank (lock '" + name + "')");
        }
    }

    /** An exclusive request. */
    public static LockRequest exclusive(String name, String key) {
        return new LockRequest(name, key, LockMode.EXCLUSIVE);
    }

    /** A shared request. */
    public static LockRequest shared(String name, String key) {
        return new LockRequest(name, key, LockMode.SHARED);
    }

    /** Whether this request names the same lock as {@code other}, whatever the modes. */
    public boolean sameLock(LockRequest other) {
        return name.equals(other.name) && key.equals(other.key);
    }

    @Override
    public int compareTo(LockRequest other) {
        return CANONICAL_ORDER.compare(this, other);
    }

    /** Names the lock, but not the key, which may be personal data. */
    @Override
    public String toString() {
        return "LockRequest[name=" + name + ", mode=" + mode + "]";
    }
}
