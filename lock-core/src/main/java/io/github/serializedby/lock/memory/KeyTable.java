package io.github.serializedby.lock.memory;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The keys in use, found by name and key. A fixed number of buckets, each holding nothing, one entry, or
 * an array of the entries whose keys share the bucket; every change replaces a bucket's content with one
 * compare-and-set, so an entry is added and removed with one atomic step each and nothing is counted.
 * Entries are never copied: only the arrays of colliding entries are. Many keys held at once make the
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
    KeyEntry get(String name, String key, int hash) {
        Object bucket = buckets.get(hash & mask);
        if (bucket instanceof KeyEntry entry) {
            return entry.matches(name, key, hash) ? entry : null;
        }
        if (bucket != null) {
            for (KeyEntry entry : (KeyEntry[]) bucket) {
                if (entry.matches(name, key, hash)) {
                    return entry;
                }
            }
        }
        return null;
    }

    /** Adds {@code created} unless its key has an entry already, which is returned instead; null when added. */
    @Nullable
    KeyEntry putIfAbsent(KeyEntry created) {
        int index = created.hash & mask;
        while (true) {
            Object bucket = buckets.get(index);
            Object replacement;
            if (bucket == null) {
                replacement = created;
            } else if (bucket instanceof KeyEntry entry) {
                if (entry.matches(created)) {
                    return entry;
                }
                replacement = new KeyEntry[] {entry, created};
            } else {
                KeyEntry[] entries = (KeyEntry[]) bucket;
                for (KeyEntry entry : entries) {
                    if (entry.matches(created)) {
                        return entry;
                    }
                }
                KeyEntry[] grown = Arrays.copyOf(entries, entries.length + 1);
                grown[entries.length] = created;
                replacement = grown;
            }
            if (buckets.compareAndSet(index, bucket, replacement)) {
                return null;
            }
        }
    }

    /** Removes {@code entry}; false when it was not in the table. */
    boolean remove(KeyEntry entry) {
        return replace(entry, null);
    }

    /** Puts {@code replacement} in the place of {@code entry}; false when {@code entry} was not in the table. */
    boolean replace(KeyEntry entry, @Nullable KeyEntry replacement) {
        int index = entry.hash & mask;
        while (true) {
            Object bucket = buckets.get(index);
            @Nullable Object next;
            if (bucket == entry) {
                next = replacement;
            } else if (bucket instanceof KeyEntry[] entries) {
                int at = indexOf(entries, entry);
                if (at < 0) {
                    return false;
                }
                next = replacement != null ? with(entries, at, replacement) : without(entries, at);
            } else {
                return false;
            }
            if (buckets.compareAndSet(index, bucket, next)) {
                return true;
            }
        }
    }

    /** How many entries the table holds; walks every bucket. */
    int size() {
        int size = 0;
        for (int i = 0; i < buckets.length(); i++) {
            Object bucket = buckets.get(i);
            if (bucket instanceof KeyEntry) {
                size++;
            } else if (bucket != null) {
                size += ((KeyEntry[]) bucket).length;
            }
        }
        return size;
    }

    private static int indexOf(KeyEntry[] entries, KeyEntry entry) {
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == entry) {
                return i;
            }
        }
        return -1;
    }

    private static KeyEntry[] with(KeyEntry[] entries, int at, KeyEntry replacement) {
        KeyEntry[] changed = entries.clone();
        changed[at] = replacement;
        return changed;
    }

    /** The array without the entry at {@code at}; the one entry left when two were there. */
    private static Object without(KeyEntry[] entries, int at) {
        if (entries.length == 2) {
            return entries[1 - at];
        }
        KeyEntry[] shrunk = new KeyEntry[entries.length - 1];
        System.arraycopy(entries, 0, shrunk, 0, at);
        System.arraycopy(entries, at + 1, shrunk, at, entries.length - at - 1);
        return shrunk;
    }
}
