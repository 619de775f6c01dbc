package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Health, metrics and the locks endpoint are exposed over HTTP; other endpoints are not. */
class ActuatorTests extends LockedDemoTest {

    @Test
    void healthIsUp() {
        Answer health = http.send(http.get("/actuator/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void metricsAreExposed() {
        http.send(http.get("/accounts/1"));

        Answer requests = http.send(http.get("/actuator/metrics/http.server.requests"));

        assertThat(requests.status()).isEqualTo(200);
        assertThat(requests.json().get("name").asString()).isEqualTo("http.server.requests");
    }

    @Test
    void theLocksEndpointShowsASlowPaymentHeld() {
        long payment = createPayment(30);
        Gate gate = slowWork.arm(Step.PAYMENT, 1);
        CompletableFuture<Answer> conducting = http.sendLater(http.put("/payments/" + payment));
        gate.awaitArrived();

        Answer locks = http.send(http.get("/actuator/locks"));
        gate.open();
        conducting.join();

        assertThat(locks.status()).isEqualTo(200);
        assertThat(locks.json().get("provider").asString()).isEqualTo("in-memory");
        assertThat(locks.json().get("locks").get("payment").get("policy").asString())
                .isEqualTo("FAIL_FAST");
        assertThat(locks.json()
                        .get("held")
                        .valueStream()
                        .filter(lock -> lock.get("name").asString().equals("payment"))
                        .map(lock -> lock.get("key").asString()))
                .containsExactly(Long.toString(payment));
    }

    @Test
    void theAcquireMetricShowsTheOutcomes() {
        long payment = createPayment(30);
        Gate gate = slowWork.arm(Step.PAYMENT, 1);
        CompletableFuture<Answer> conducting = http.sendLater(http.put("/payments/" + payment));
        gate.awaitArrived();
        assertThat(http.send(http.put("/payments/" + payment)).status()).isEqualTo(409);
        gate.open();
        conducting.join();

        Answer acquired = http.send(http.get("/actuator/metrics/serialized.lock.acquire?tag=outcome:acquired"));
        Answer rejected = http.send(http.get("/actuator/metrics/serialized.lock.acquire?tag=outcome:rejected"));

        assertThat(acquired.status()).isEqualTo(200);
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.json().get("measurements").get(0).get("value").asDouble())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(acquired.json().get("description").asString()).startsWith("Time to acquire a lock");
    }

    @Test
    void otherEndpointsAreNotExposed() {
        assertThat(http.send(http.get("/actuator/env")).status()).isEqualTo(404);
    }
}
