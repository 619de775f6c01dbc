package io.github.serializedby.demo;

/**
 * The slow part of a business operation (a remote call, a computation) that sits between reading
 * state and writing it back, and so opens the window in which concurrent requests race.
 */
public interface SlowWork {

    /** Does the slow part of {@code step}. */
    void perform(Step step);

    /** The operations of the demo that have a slow part. */
    enum Step {
        /** Between reading and writing an account's balance. */
        WITHDRAW,
        /** Between reading and writing the balances of two accounts. */
        TRANSFER,
        /** Between finding no ticket and creating one. */
        PARTICIPATION,
        /** The simulated third-party call that conducts a payment. */
        PAYMENT,
        /** Between finding no pet of that name among the owner's and adding one. */
        NEW_PET,
        /** Between counting a concert's seats sold and selling one. */
        SEAT
    }
}
