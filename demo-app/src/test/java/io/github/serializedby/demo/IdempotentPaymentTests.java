package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Creating a payment with an Idempotency-Key: retries get the first payment, never a second one. */
class IdempotentPaymentTests extends LockedDemoTest {

    @Test
    void aRetryWithTheSameKeyGetsTheSamePaymentReplayed() {
        String key = UUID.randomUUID().toString();

        Answer first = http.send(http.post("/payments", "{\"amount\":75}", key));
        Answer retry = http.send(http.post("/payments", "{\"amount\":75}", key));

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(paymentsWithAmount(75, first.number("id"))).isEqualTo(1);
    }

    @Test
    void fiftyConcurrentRequestsWithOneKeyCreateOnePayment() {
        String key = UUID.randomUUID().toString();

        List<Answer> answers = http.together(50, http.post("/payments", "{\"amount\":77}", key));

        assertThat(answers).extracting(Answer::status).isSubsetOf(201, 409).contains(201);
        assertThat(answers)
                .filteredOn(answer -> answer.status() == 201)
                .extracting(answer -> answer.number("id"))
                .containsOnly(answers.stream()
                        .filter(answer -> answer.status() == 201)
                        .findFirst()
                        .orElseThrow()
                        .number("id"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment WHERE amount = 77")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherAmountGets422() {
        String key = UUID.randomUUID().toString();
        http.send(http.post("/payments", "{\"amount\":78}", key));

        Answer changed = http.send(http.post("/payments", "{\"amount\":79}", key));

        assertThat(changed.status()).isEqualTo(422);
        assertThat(changed.contentType()).startsWith("application/problem+json");
    }

    @Test
    void withoutAKeyEveryRequestCreatesAPayment() {
        long first = createPayment(80);
        long second = createPayment(80);

        assertThat(first).isNotEqualTo(second);
    }

    private long paymentsWithAmount(long amount, long id) {
        return jdbc.sql("SELECT COUNT(*) FROM payment WHERE amount = ? AND id = ?")
                .params(amount, id)
                .query(Long.class)
                .single();
    }
}
