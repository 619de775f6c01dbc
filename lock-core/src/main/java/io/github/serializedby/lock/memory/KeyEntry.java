package io.github.serializedby.lock.memory;

/**
 * What the key table holds for a key in use: a lease held alone (exclusive, nobody waiting) or the
 * {@link KeyState} of a key with readers or waiters.
 */
abstract class KeyEntry {

    final int hash;

    KeyEntry(int hash) {
        this.hash = hash;
    }

    abstract String name();

    abstract String key();

    final boolean matches(String name, String key, int hash) {
        return this.hash == hash && key().equals(key) && name().equals(name);
    }

    final boolean matches(KeyEntry other) {
        return matches(other.name(), other.key(), other.hash);
    }
}
