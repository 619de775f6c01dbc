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

/** Withdrawals fired at once on one account: serialized per account, never overdrawn, nothing lost. */
class WithdrawRaceTests extends LockedDemoTest {

    @Test
    void ofFiftyWithdrawalsOfFiftyFromOneHundredExactlyTwoSucceed() {
        long account = openAccount(100);

        List<Answer> answers = http.together(50, withdrawal(account, 50));

        assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(2);
        assertThat(answers).filteredOn(a -> a.status() == 422).hasSize(48);
        assertThat(answers)
                .filteredOn(a -> a.status() == 200)
                .extracting(a -> a.number("balance"))
                .containsExactlyInAnyOrder(50L, 0L);
        assertThat(balance(account)).isZero();
        assertThat(withdrawnFromDatabase(account)).isEqualTo(100);
    }

    @Test
    void balanceIsStartMinusAcceptedWithdrawalsAndNeverBelowZero() {
        long start = 1_000;
        long account = openAccount(start);
        List<HttpRequest> requests = new ArrayList<>();
        for (int amount = 1; amount <= 60; amount++) {
            requests.add(withdrawal(account, amount)); // 1 + 2 + ... + 60 = 1830, more than the balance
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).extracting(Answer::status).isSubsetOf(200, 422);
        List<Answer> accepted = answers.stream().filter(a -> a.status() == 200).toList();
        long acceptedSum = accepted.stream().mapToLong(a -> a.number("amount")).sum();
        assertThat(accepted).allSatisfy(a -> assertThat(a.number("balance")).isNotNegative());
        assertThat(balance(account)).isEqualTo(start - acceptedSum).isNotNegative();
        assertThat(withdrawnFromDatabase(account)).isEqualTo(acceptedSum);
        // Serialized: each withdrawal started from the balance the previous one left.
        long expected = start;
        for (var row : jdbc.sql("SELECT amount, balance_after FROM withdrawal WHERE account_id = ? ORDER BY id")
                .param(account)
                .query()
                .listOfRows()) {
            expected -= ((Number) row.get("AMOUNT")).longValue();
            assertThat(((Number) row.get("BALANCE_AFTER")).longValue()).isEqualTo(expected);
        }
        // A refused withdrawal was refused because it did not fit what was left.
        assertThat(answers)
                .filteredOn(a -> a.status() == 422)
                .allSatisfy(a -> assertThat(a.number("amount")).isGreaterThan(a.number("balance")));
    }

    @Test
    void aWithdrawalHeldOnOneAccountDoesNotHoldUpAnother() {
        long held = openAccount(100);
        long other = openAccount(100);
        Gate gate = slowWork.arm(Step.WITHDRAW, 1);
        CompletableFuture<Answer> first = http.sendLater(withdrawal(held, 30));
        gate.awaitArrived();

        Answer second = http.send(withdrawal(other, 30));

        assertThat(second.status()).isEqualTo(200);
        assertThat(first).isNotDone();
        gate.open();
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(balance(held)).isEqualTo(70);
        assertThat(balance(other)).isEqualTo(70);
    }

    private HttpRequest withdrawal(long account, long amount) {
        return http.post("/accounts/" + account + "/withdrawals", "{\"amount\":" + amount + "}");
    }

    private long withdrawnFromDatabase(long account) {
        return jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM withdrawal WHERE account_id = ?")
                .param(account)
                .query(Long.class)
                .single();
    }
}
