package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transfers in both directions at once, mixed with withdrawals on the same accounts: both keys are
 * locked in one order, so nothing deadlocks, and the total is kept.
 */
class TransferRaceTests extends LockedDemoTest {

    @Test
    void transfersBackAndForthBetweenTwoAccountsKeepTheTotalAndFinish() {
        long a = openAccount(100);
        long b = openAccount(100);
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // Whatever the order, neither account can run short: a pays at most 25 x 4, b at most 25 x 2.
            requests.add(i % 2 == 0 ? transfer(a, b, 4) : transfer(b, a, 2));
        }

        List<Answer> answers = http.together(requests);

        // Every request got its turn within the wait timeout: no 409, no deadlock.
        assertThat(answers).extracting(Answer::status).containsOnly(200);
        assertThat(balance(a)).isEqualTo(100 - 25 * 4 + 25 * 2);
        assertThat(balance(b)).isEqualTo(100 + 25 * 4 - 25 * 2);
    }

    @Test
    void transfersRoundThreeAccountsAndWithdrawalsAtOnceKeepTheBooks() {
        long[] accounts = {openAccount(100), openAccount(100), openAccount(100)};
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            long from = accounts[i % 3];
            long to = accounts[(i + 1 + i % 2) % 3]; // clockwise and anticlockwise
            requests.add(transfer(from, to, 5 + i % 4 * 10));
        }
        for (long account : accounts) {
            requests.add(http.post("/accounts/" + account + "/withdrawals", "{\"amount\":20}"));
        }

        List<Answer> answers = http.together(requests);

        assertThat(answers).extracting(Answer::status).isSubsetOf(200, 422);
        long withdrawn = answers.subList(48, answers.size()).stream()
                .filter(a -> a.status() == 200)
                .mapToLong(a -> a.number("amount"))
                .sum();
        long total = 0;
        for (long account : accounts) {
            long balance = balance(account);
            assertThat(balance).isNotNegative();
            total += balance;
        }
        assertThat(total).isEqualTo(300 - withdrawn);
        assertThat(answers.subList(0, 48))
                .filteredOn(a -> a.status() == 200)
                .allSatisfy(a -> assertThat(a.number("fromBalance")).isNotNegative());
    }

    private HttpRequest transfer(long from, long to, long amount) {
        return http.post("/transfers", "{\"from\":" + from + ",\"to\":" + to + ",\"amount\":" + amount + "}");
    }
}
