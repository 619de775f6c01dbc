package io.github.serializedby.lock;

/** What a caller does when the lock it asks for is held by someone else. */
public enum LockPolicy {

    /** Try once and give up at once when the key is held. */
    FAIL_FAST,

    /** Wait for the key, up to a timeout. */
    WAIT
}
