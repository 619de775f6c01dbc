package io.github.serializedby.demo.payment;

/** Where a payment stands. */
public enum PaymentState {
    /** Created, not conducted yet. */
    EMPTY,
    /** Conducted: the third party charged it. */
    PAID
}
