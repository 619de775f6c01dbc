package io.github.serializedby.harness;

/** Where in its locked operation a holder waits for the coordinator's fault. */
enum Pause {
    /** The lease is granted and the transaction not begun. */
    BEGIN,
    /** Between the read of the counter and its write. */
    READ,
    /** Between the write and the commit. */
    COMMIT
}
