package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** PUTs fired at once on a payment: conducted exactly once; the others get 409 at once. */
class PaymentRaceTests extends LockedDemoTest {

    @Test
    void fiftyPutsAtOnceConductThePaymentOnce() {
        long payment = createPayment(25);

        List<Answer> answers = http.together(50, http.put("/payments/" + payment));

        assertThat(answers).extracting(Answer::status).isSubsetOf(200, 409);
        assertThat(answers).filteredOn(a -> a.status() == 200).isNotEmpty().allSatisfy(a -> {
            assertThat(a.json().get("state").asString()).isEqualTo("PAID");
            assertThat(a.number("timesConducted")).isEqualTo(1);
        });
        assertThat(answers).filteredOn(a -> a.status() == 409).allSatisfy(PaymentRaceTests::isLockConflict);
        assertThat(charges(payment)).isEqualTo(1);
    }

    @Test
    void whileOnePutIsConductingEveryOtherPutGets409AtOnce() {
        long payment = createPayment(40);
        Gate gate = slowWork.arm(Step.PAYMENT, 1);
        CompletableFuture<Answer> conducting = http.sendLater(http.put("/payments/" + payment));
        gate.awaitArrived();

        // The first PUT is inside the third-party call and stays there until the gate opens, so these
        // answers can only have come without waiting for it.
        List<Answer> answers = http.together(50, http.put("/payments/" + payment));

        assertThat(answers).hasSize(50).allSatisfy(PaymentRaceTests::isLockConflict);
        assertThat(conducting).isNotDone();
        gate.open();
        Answer paid = conducting.join();
        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.json().get("state").asString()).isEqualTo("PAID");

        Answer again = http.send(http.put("/payments/" + payment));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("state").asString()).isEqualTo("PAID");
        assertThat(again.number("timesConducted")).isEqualTo(1);
        assertThat(charges(payment)).isEqualTo(1);
    }

    @Test
    void tenPaymentsWithFivePutsEachAtOnceAreEachConductedOnce() {
        List<Long> payments = new ArrayList<>();
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            payments.add(createPayment(10 + i));
        }
        for (int put = 0; put < 5; put++) {
            payments.forEach(payment -> requests.add(http.put("/payments/" + payment)));
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).extracting(Answer::status).isSubsetOf(200, 409);
        assertThat(payments).allSatisfy(payment -> assertThat(charges(payment)).isEqualTo(1));
        assertThat(payments)
                .allSatisfy(payment -> assertThat(
                                http.send(http.get("/payments/" + payment)).number("timesConducted"))
                        .isEqualTo(1));
    }

    private static void isLockConflict(Answer answer) {
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.json().get("type").asString()).isEqualTo("urn:serialized-by:problem:lock-conflict");
        assertThat(answer.json().get("lockName").asString()).isEqualTo("payment");
        assertThat(answer.json().get("policy").asString()).isEqualTo("FAIL_FAST");
    }
}
