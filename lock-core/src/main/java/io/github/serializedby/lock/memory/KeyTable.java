package io.github.serializedby.lock.memory;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The key states in use, found by name and key. A fixed number of buckets, each holding nothing, one
 * state, or an array of states whose keys share the bucket; every change replaces a bucket's content with
 * one compare-and-set, so a state is added and removed with one atomic step each and nothing is counted.
 * States are never copied: only the arrays of colliding states are. Many keys held at once make the
 * arrays longer (the table does not grow); a few thousand at once cost nothing noticeable.
 */
final class KeyTable {

    private final AtomicReferenceArray<@Nullable Object> buckets;
    private final int mask;

    /** A table of {@code bucketCount} buckets, a power of two. */
    KeyTable(int bucketCount) {
        if (Integer.bitCount(bucketCount) != 1) {
            throw new IllegalArgumentException("The bucket count must be a power of two: " + bucketCount);
        }
        buckets = new AtomicReferenceArray<>(bucketCount);
        mask = bucketCount - 1;
    }

    static int hash(String name, String key) {
        int hash = name.hashCode() * 31 + key.hashCode();
        return hash ^ (hash >>> 16);
    }

    @Nullable
    KeyState get(String name, String key, int hash) {
        Object bucket = buckets.get(hash & mask);
        if (bucket instanceof KeyState state) {
            return state.matches(name, key, hash) ? state : null;
        }
        if (bucket != null) {
            for (KeyState state : (KeyState[]) bucket) {
                if (state.matches(name, key, hash)) {
                    return state;
                }
            }
        }
        return null;
    }

    /** Adds {@code created} unless its key has a state already, which is returned instead; null when added. */
    @Nullable
    KeyState putIfAbsent(KeyState created) {
        int index = created.hash & mask;
        while (true) {
            Object bucket = buckets.get(index);
            Object replacement;
            if (bucket == null) {
                replacement = created;
            } else if (bucket instanceof KeyState state) {
                if (state.matches(created)) {
                    return state;
                }
                replacement = new KeyState[] {state, created};
            } else {
                KeyState[] states = (KeyState[]) bucket;
                for (KeyState state : states) {
                    if (state.matches(created)) {
                        return state;
                    }
                }
                KeyState[] grown = Arrays.copyOf(states, states.length + 1);
                grown[states.length] = created;
                replacement = grown;
            }
            if (buckets.compareAndSet(index, bucket, replacement)) {
                return null;
            }
        }
    }

    /** Removes {@code state} if it is still in the table. */
    void remove(KeyState state) {
        int index = state.hash & mask;
        while (true) {
            Object bucket = buckets.get(index);
            Object replacement;
            if (bucket == state) {
                replacement = null;
            } else if (bucket instanceof KeyState[] states) {
                int at = Arrays.asList(states).indexOf(state);
                if (at < 0) {
                    return;
                }
                replacement = states.length == 2 ? states[1 - at] : without(states, at);
            } else {
                return;
            }
            if (buckets.compareAndSet(index, bucket, replacement)) {
                return;
            }
        }
    }

    /** How many states the table holds; walks every bucket. */
    int size() {
        int size = 0;
        for (int i = 0; i < buckets.length(); i++) {
            Object bucket = buckets.get(i);
            if (bucket instanceof KeyState) {
                size++;
            } else if (bucket != null) {
                size += ((KeyState[]) bucket).length;
            }
        }
        return size;
    }

    private static KeyState[] without(KeyState[] states, int at) {
        KeyState[] shrunk = new KeyState[states.length - 1];
        System.arraycopy(states, 0, shrunk, 0, at);
        System.arraycopy(states, at + 1, shrunk, at, states.length - at - 1);
        return shrunk;
    }
}
