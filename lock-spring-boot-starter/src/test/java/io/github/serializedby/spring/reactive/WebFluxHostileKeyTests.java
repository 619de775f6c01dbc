package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.SerializedBy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Hostile keys through a WebFlux {@code Mono} endpoint: the refusal travels as the Mono's error and is
 * answered with the same 400 problems as in Spring MVC; the method never runs and nothing stays held.
 */
@SpringBootTest(
        classes = WebFluxHostileKeyTests.HostileReactiveApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=reactive")
class WebFluxHostileKeyTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    LockProvider provider;

    @Autowired
    AtomicInteger calls;

    @Test
    void nullOverlongAndMalformedKeysAnswer400AndLeaveNothingHeld() throws Exception {
        // 64 KiB: far over the key limit, within WebFlux's default 256 KiB body buffer.
        String overlong = "k".repeat(64 * 1024);

        assertProblem(post("{\"id\":null}"), "missing-lock-key");
        assertProblem(post("{\"id\":\"" + overlong + "\"}"), "invalid-lock-key");
        assertProblem(post("{\"id\":\"\\ud800\"}"), "invalid-lock-key");

        assertThat(calls).hasValue(0);
        assertThat(((InMemoryLockProvider) provider).activeKeyCount()).isZero();
        assertThat(post("{\"id\":\"o-1\"}").body()).isEqualTo("placed o-1");
    }

    private static void assertProblem(HttpResponse<String> response, String type) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("urn:serialized-by:problem:" + type)
                .contains("\"lockName\":\"orders\"");
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/orders"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                BodyHandlers.ofString());
    }

    record Order(@Nullable String id) {}

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ReactiveOrders.class)
    static class HostileReactiveApplication {

        @Bean
        AtomicInteger calls() {
            return new AtomicInteger();
        }

        @Bean
        LockProvider lockProvider() {
            return new InMemoryLockProvider();
        }
    }

    @RestController
    static class ReactiveOrders {

        private final AtomicInteger calls;

        ReactiveOrders(AtomicInteger calls) {
            this.calls = calls;
        }

        @PostMapping("/orders")
        @SerializedBy(value = "#order.id", name = "orders")
        public Mono<String> place(@RequestBody Order order) {
            return Mono.fromCallable(() -> {
                calls.incrementAndGet();
                return "placed " + order.id();
            });
        }
    }
}
