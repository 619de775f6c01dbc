package io.github.serializedby.spring.observation;

import java.util.Locale;

/** How an acquisition ended. */
public enum LockOutcome {

    /** The lock was granted. */
    ACQUIRED,

    /** A fail-fast caller found the key held. */
    REJECTED,

    /** A waiting caller's wait ran out. */
    TIMEOUT,

    /** The caller stopped waiting (interrupted or cancelled). */
    CANCELLED,

    /** The provider failed. */
    ERROR;

    /** The tag value: the name in lower case. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
