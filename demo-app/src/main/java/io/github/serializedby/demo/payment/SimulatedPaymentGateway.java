package io.github.serializedby.demo.payment;

import io.github.serializedby.demo.SlowWork;
import io.github.serializedby.demo.SlowWork.Step;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Stands for the third party: takes {@code demo.slow-work.payment}, then records the charge in its
 * ledger, the {@code payment_charge} table, committed at once like any call that has left the building.
 */
@Component
public class SimulatedPaymentGateway implements PaymentGateway {

    private final JdbcClient jdbc;
    private final SlowWork slowWork;

    public SimulatedPaymentGateway(JdbcClient jdbc, SlowWork slowWork) {
        this.jdbc = jdbc;
        this.slowWork = slowWork;
    }

    @Override
    public void charge(long paymentId, long amount) {
        slowWork.perform(Step.PAYMENT);
        jdbc.sql("INSERT INTO payment_charge (payment_id, amount) VALUES (?, ?)")
                .params(paymentId, amount)
                .update();
    }
}
