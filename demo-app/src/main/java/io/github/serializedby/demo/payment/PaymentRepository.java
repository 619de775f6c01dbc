package io.github.serializedby.demo.payment;

import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Plain reads and writes of payments; a payment's conductions are counted in the gateway's ledger. */
@Repository
public class PaymentRepository {

    private final JdbcClient jdbc;

    public PaymentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long create(long amount) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO payment (amount, state) VALUES (?, ?)")
                .params(amount, PaymentState.EMPTY.name())
                .update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    public Optional<Payment> find(long id) {
        return jdbc.sql("SELECT p.id, p.amount, p.state,"
                        + " (SELECT COUNT(*) FROM payment_charge c WHERE c.payment_id = p.id) AS times_conducted"
                        + " FROM payment p WHERE p.id = ?")
                .param(id)
                .query(Payment.class)
                .optional();
    }

    public void markPaid(long id) {
        jdbc.sql("UPDATE payment SET state = ?, paid_at = CURRENT_TIMESTAMP WHERE id = ?")
                .params(PaymentState.PAID.name(), id)
                .update();
    }
}
