package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.SlowWork.Step;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

/**
 * The same requests with {@code serialized-by.enabled=false}: the races happen, so the tests with locks
 * on prove something. To make each race certain rather than likely, a gate holds the first two requests
 * in their slow step until both are there, that is, until both have read the state the other is about
 * to change.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "serialized-by.enabled=false")
@ActiveProfiles("test")
@Import(GatedSlowWork.Config.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnlockedRaceTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    GatedSlowWork slowWork;

    DemoClient http;

    @BeforeEach
    void client() {
        http = new DemoClient(port);
    }

    @AfterEach
    void openGates() {
        slowWork.disarmAll();
    }

    @Test
    void withoutTheLockTwoWithdrawalsOfFiftyFromOneHundredBothSucceed() {
        long account = http.send(http.post("/accounts", "{\"owner\":\"test\",\"balance\":100}"))
                .number("id");
        slowWork.arm(Step.WITHDRAW, 2).open();

        List<Answer> answers = http.together(50, http.post("/accounts/" + account + "/withdrawals", "{\"amount\":50}"));

        long accepted = answers.stream().filter(a -> a.status() == 200).count();
        long balance = http.send(http.get("/accounts/" + account)).number("balance");
        assertThat(accepted).isGreaterThan(2);
        assertThat(balance).isNotEqualTo(100 - accepted * 50);
    }

    @Test
    void withoutTheLockAPaymentIsConductedTwice() {
        long payment = http.send(http.post("/payments", "{\"amount\":25}")).number("id");
        slowWork.arm(Step.PAYMENT, 2).open();

        List<Answer> answers = http.together(2, http.put("/payments/" + payment));

        assertThat(answers).extracting(Answer::status).containsOnly(200);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payment_charge WHERE payment_id = ?")
                        .param(payment)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void withoutTheLockAUserClickingTwiceGetsTwoTickets() {
        String user = "user-" + UUID.randomUUID();
        slowWork.arm(Step.PARTICIPATION, 2).open();

        List<Answer> answers = http.together(2, http.post("/events/1/tickets", "{\"userId\":\"" + user + "\"}"));

        assertThat(answers).extracting(Answer::status).containsOnly(201);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM ticket WHERE event_id = 1 AND user_id = ?")
                        .param(user)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void withoutTheLockTwoFormsAddTwoPetsOfOneName() {
        long owner = LockedDemoTest.newOwner(jdbc);
        slowWork.arm(Step.NEW_PET, 2).open();

        List<Answer> answers = http.together(2, http.post("/owners/" + owner + "/pets", "{\"name\":\"Rex\"}"));

        assertThat(answers).extracting(Answer::status).containsOnly(201);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM pet WHERE owner_id = ? AND name = 'Rex'")
                        .param(owner)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void withoutTheLockTheLastSeatOfAConcertIsSoldTwice() {
        long concert = http.send(http.post("/concerts", "{\"title\":\"test\",\"seats\":1}"))
                .number("id");
        slowWork.arm(Step.SEAT, 2).open();

        List<Answer> answers = http.together(2, http.post("/concerts/" + concert + "/seats", "{\"userId\":\"u\"}"));

        assertThat(answers).extracting(Answer::status).containsOnly(201);
        assertThat(http.send(http.get("/concerts/" + concert)).number("sold")).isEqualTo(2);
    }
}
