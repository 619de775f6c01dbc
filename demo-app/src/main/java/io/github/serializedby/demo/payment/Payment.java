package io.github.serializedby.demo.payment;

/**
 * A payment.
 *
 * @param timesConducted how many times the third party charged it; anything but 0 or 1 is the bug this
 *     demo prevents
 */
public record Payment(long id, long amount, PaymentState state, int timesConducted) {}
