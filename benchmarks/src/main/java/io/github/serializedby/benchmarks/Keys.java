package io.github.serializedby.benchmarks;

/** A fixed ring of distinct keys, so that uncontended runs lock many keys, as real payments do. */
final class Keys {

    private final String[] keys;
    private int next;

    Keys(int count) {
        keys = new String[count];
        for (int i = 0; i < count; i++) {
            keys[i] = "payment-" + i;
        }
    }

    String next() {
        String key = keys[next];
        next = (next + 1) & (keys.length - 1);
        return key;
    }
}
