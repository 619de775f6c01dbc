package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockRequest;

/**
 * The Redis names of one lock: {@code hash} holds its holders and waiting writers and doubles as the
 * channel its releases are published on; {@code fence} counts its acquisitions. Both carry the hash tag
 * {@code {name:key}}, so a cluster keeps them in one slot, as scripts touching both require.
 */
record LockKeys(String hash, String fence) {

    static LockKeys of(String prefix, LockRequest request) {
        return ofChannel(prefix + "{" + escapeName(request.name()) + ":" + request.key() + "}");
    }

    /** The names of the lock whose releases are published on {@code channel}. */
    static LockKeys ofChannel(String channel) {
        return new LockKeys(channel, channel + ":fence");
    }

    /** The channel a release of this lock is published on. */
    String channel() {
        return hash;
    }

    String[] hashOnly() {
        return new String[] {hash};
    }

    String[] both() {
        return new String[] {hash, fence};
    }

    /** The pattern matching the channels of every lock under {@code prefix}, glob characters escaped. */
    static String channelPattern(String prefix) {
        StringBuilder pattern = new StringBuilder(prefix.length() + 2);
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('*').toString();
    }

    /** Keeps (name "a:b", key "c") and (name "a", key "b:c") apart: the first colon always ends the name. */
    private static String escapeName(String name) {
        if (name.indexOf(':') < 0 && name.indexOf('%') < 0) {
            return name;
        }
        return name.replace("%", "%25").replace(":", "%3A");
    }
}
