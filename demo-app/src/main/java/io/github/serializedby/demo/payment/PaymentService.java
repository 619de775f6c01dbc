package io.github.serializedby.demo.payment;

import io.github.serializedby.demo.problem.NotFoundException;
import io.github.serializedby.spring.SerializedBy;
import org.springframework.stereotype.Service;

/**
 * Payments. Conducting one reads its state and, if it is still empty, calls the slow third party, then
 * marks it paid: two PUTs at once would both find it empty and both charge. The lock on the payment
 * turns the second PUT away at once (instance {@code payments} is FAIL_FAST), so the client gets 409
 * with {@code Retry-After} instead of a second charge.
 *
 * <p>There is no transaction around the conduction: the third party's charge cannot be rolled back, so
 * a transaction would not prevent a double charge. The lock does.
 */
@Service
public class PaymentService {

    private final PaymentRepository payments;
    private final PaymentGateway gateway;

    public PaymentService(PaymentRepository payments, PaymentGateway gateway) {
        this.payments = payments;
        this.gateway = gateway;
    }

    /** Creates an empty payment of {@code amount}. */
    public Payment create(long amount) {
        return get(payments.create(amount));
    }

    /** The payment; {@link NotFoundException} when there is none. */
    public Payment get(long paymentId) {
        return payments.find(paymentId).orElseThrow(() -> new NotFoundException("payment", paymentId));
    }

    /** Conducts the payment unless it is paid already; either way returns it, paid. */
    @SerializedBy(value = "#paymentId", name = "payment", instance = "payments")
    public Payment conduct(long paymentId) {
        Payment payment = get(paymentId);
        if (payment.state() == PaymentState.PAID) {
            return payment;
        }
        gateway.charge(paymentId, payment.amount());
        payments.markPaid(paymentId);
        return get(paymentId);
    }
}
