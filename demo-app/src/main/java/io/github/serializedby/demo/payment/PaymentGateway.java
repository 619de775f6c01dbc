package io.github.serializedby.demo.payment;

/** The third party that conducts payments: slow, and its charges cannot be taken back. */
public interface PaymentGateway {

    /** Charges {@code amount} for the payment. */
    void charge(long paymentId, long amount);
}
