package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import org.junit.jupiter.api.Test;

/** Health and metrics are exposed over HTTP; other endpoints are not. */
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
    void otherEndpointsAreNotExposed() {
        assertThat(http.send(http.get("/actuator/env")).status()).isEqualTo(404);
    }
}
