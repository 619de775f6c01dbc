package io.github.serializedby.lock;

import java.util.Comparator;
import java.util.Objects;

/**
 * One lock to acquire: the {@code name} is the namespace (often a method or a use case), the {@code key}
 * the resource within it, and together they identify the lock. Requests sort in the canonical order in
 * which several keys are acquired.
 *
 * <p>This is what a {@link LockProvider} is asked for: one key and its mode, nothing about waiting. A
 * {@link LockSpec} is what a caller asks the {@link LockExecutor} for (several keys, the policy and the
 * wait), which the executor turns into one request per key.
 *
 * <p>Every way to a provider (the annotation, the executor, a provider called directly) builds a request,
 * so the key is checked here, before anything is sent: at most {@link #MAX_KEY_LENGTH} characters, and
 * well-formed UTF-16 (every surrogate paired), so that its UTF-8 form is lossless.
 *
 * @param name the lock's namespace, never blank
 * @param key the resource within the namespace, never blank
 * @param mode exclusive or shared
 */
public record LockRequest(String name, String key, LockMode mode) implements Comparable<LockRequest> {

    /**
     * The longest key, in UTF-16 characters (at most 4 KiB in UTF-8). A key identifies a resource (an id,
     * a UUID, an account number, a few of them joined); 1024 characters leave room for any such key while
     * refusing text that is really data sent by a client, which would otherwise travel in every Redis
     * key and release message, be hashed on every call and be kept in memory while held.
     */
    public static final int MAX_KEY_LENGTH = 1024;

    private static final Comparator<LockRequest> CANONICAL_ORDER =
            Comparator.comparing(LockRequest::name).thenComparing(LockRequest::key);

    /**
     * Validates that name and key are present and not blank, and that the key can be locked faithfully.
     *
     * @throws IllegalArgumentException when the name or the key is null or blank
     * @throws InvalidLockKeyException when the key is longer than {@link #MAX_KEY_LENGTH} or holds a lone
     *     surrogate
     */
    public LockRequest {
        Objects.requireNonNull(mode, "mode");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Lock name must not be blank");
        }
        if (key == null) {
            throw new IllegalArgumentException("Lock key must not be blank (lock '" + name + "')");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidLockKeyException(name, "longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("Lock key must not be blank (lock '" + name + "')");
        }
        if (!isWellFormed(key)) {
            throw new InvalidLockKeyException(name, "not well-formed text (an unpaired UTF-16 surrogate)");
        }
    }

    /** Whether every surrogate in {@code text} is part of a pair; one pass, no copy. */
    private static boolean isWellFormed(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == length || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** An exclusive request. */
    public static LockRequest exclusive(String name, String key) {
        return new LockRequest(name, key, LockMode.EXCLUSIVE);
    }

    /** A shared request. */
    public static LockRequest shared(String name, String key) {
        return new LockRequest(name, key, LockMode.SHARED);
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
