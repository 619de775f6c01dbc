package io.github.serializedby.demo;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.test.context.ActiveProfiles;

/**
 * The demo as configured, locks on, on a random port; the test classes extending this share one
 * application context. Each test makes its own accounts, users and payments.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(GatedSlowWork.Config.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class LockedDemoTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    GatedSlowWork slowWork;

    @Autowired
    MeterRegistry meters;

    DemoClient http;

    @BeforeEach
    void client() {
        http = new DemoClient(port);
    }

    @AfterEach
    void openGates() {
        slowWork.disarmAll();
    }

    long openAccount(long balance) {
        return http.send(http.post("/accounts", "{\"owner\":\"test\",\"balance\":" + balance + "}"))
                .number("id");
    }

    long balance(long account) {
        return http.send(http.get("/accounts/" + account)).number("balance");
    }

    long createPayment(long amount) {
        return http.send(http.post("/payments", "{\"amount\":" + amount + "}")).number("id");
    }

    /** A new owner without pets, inserted directly: the demo has no endpoint that creates owners. */
    static long newOwner(JdbcClient jdbc) {
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO owner (name) VALUES ('test')").update(key, "id");
        return Objects.requireNonNull(key.getKey(), "generated id").longValue();
    }

    /** Waits until {@code callers} wait for a lock, as the starter's {@code .active} meter counts them. */
    void awaitWaitingForLocks(int callers) {
        Awaitility.await("callers waiting for a lock")
                .atMost(Duration.ofSeconds(10))
                .until(() -> meters.find("serialized.lock.acquire.active").longTaskTimers().stream()
                                .mapToInt(LongTaskTimer::activeTasks)
                                .sum()
                        == callers);
    }

    long charges(long payment) {
        return jdbc.sql("SELECT COUNT(*) FROM payment_charge WHERE payment_id = ?")
                .param(payment)
                .query(Long.class)
                .single();
    }
}
