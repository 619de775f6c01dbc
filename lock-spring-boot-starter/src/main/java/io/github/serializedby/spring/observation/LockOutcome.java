package io.github.serializedby.spring.observation;

import io.github.serializedby.lock.LockQueueFullException;
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

    /**
     * A caller was refused at once, without waiting, because too many callers already wait for its key, its
     * lock or locks in the whole application.
     */
    QUEUE_FULL,

    /** A caller was refused at once, without waiting, because the callers ahead would outlast its wait timeout. */
    EXPECTED_WAIT,

    /** The provider failed. */
    ERROR;

    /** The tag value: the name in lower case, words joined by hyphens ({@code queue-full}). */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The outcome of a caller that {@code refusal} turned away before it waited. */
    static LockOutcome refused(LockQueueFullException refusal) {
        return refusal.bound() == LockQueueFullException.Bound.EXPECTED_WAIT ? EXPECTED_WAIT : QUEUE_FULL;
    }
}
