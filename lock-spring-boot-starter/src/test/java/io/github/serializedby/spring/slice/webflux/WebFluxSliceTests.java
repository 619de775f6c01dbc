package io.github.serializedby.spring.slice.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.test.Race;
import io.github.serializedby.spring.SerializedBy;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A {@code @WebFluxTest} includes the starter, as the application does: concurrent requests through
 * WebTestClient for one key are serialized, and a null key is answered with the 400 problem.
 */
@WebFluxTest(controllers = WebFluxSliceTests.OrdersController.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebFluxSliceTests {

    private static final int CALLERS = 8;

    @Autowired
    WebTestClient client;

    @Autowired
    Race race;

    @Test
    void concurrentRequestsForOneKeyNeverOverlap() {
        Race.Result result = race.run(caller -> client.post()
                .uri("/orders/pay?id=o-1")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .isEqualTo("paid o-1"));

        assertThat(result.failures()).isEmpty();
        assertThat(result.completed()).isEqualTo(CALLERS);
        assertThat(result.entered()).isEqualTo(CALLERS);
        assertThat(result.maxInside()).isEqualTo(1);
    }

    @Test
    void aNullKeyIsAnswered400AsInProduction() {
        client.post()
                .uri("/orders/pay")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("urn:serialized-by:problem:missing-lock-key");
    }

    @SpringBootConfiguration
    @Import(OrdersController.class)
    static class SliceApplication {

        @Bean
        Race race() {
            return Race.of(CALLERS);
        }

        /** The calls run on WebFlux's threads, not the callers': the race hears who waits for the lock. */
        @Bean
        LockListener raceListener(Race race) {
            return race.lockListener();
        }
    }

    @RestController
    static class OrdersController {

        private final Race race;

        OrdersController(Race race) {
            this.race = race;
        }

        @PostMapping("/orders/pay")
        @SerializedBy(value = "#id", name = "orders", waitTimeout = "30s")
        public Mono<String> pay(@RequestParam(required = false) @Nullable String id) {
            return Mono.fromCallable(() -> race.inside(() -> "paid " + id));
        }
    }
}
