package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.spring.SerializedBy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A WebFlux endpoint answers contention, refusals by a bound on waiting and missing keys with the same problem
 * details as Spring MVC.
 */
@SpringBootTest(
        classes = WebFluxConflictTests.ReactiveApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=reactive", "spring.web.error.include-message=always"})
class WebFluxConflictTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Gate gate;

    @Test
    void aSecondRequestWhileTheFirstHoldsTheKeyGets409Problem() throws Exception {
        CompletableFuture<HttpResponse<String>> first = send("PUT", "/payments/p-1");
        gate.entered("p-1").asMono().block(java.time.Duration.ofSeconds(10));

        HttpResponse<String> second = send("PUT", "/payments/p-1").get(10, TimeUnit.SECONDS);
        gate.release("p-1").tryEmitValue("paid p-1");

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(second.body()).contains("urn:serialized-by:problem:lock-conflict");
        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("paid p-1");
    }

    @Test
    void aBrowserGetsSpringBootsErrorPageWithTheStatusRetryAfterAndDetail() throws Exception {
        CompletableFuture<HttpResponse<String>> first = send("PUT", "/payments/p-2");
        gate.entered("p-2").asMono().block(java.time.Duration.ofSeconds(10));

        HttpResponse<String> browser =
                send("PUT", "/payments/p-2", "text/html,*/*;q=0.8").get(10, TimeUnit.SECONDS);
        HttpResponse<String> api =
                send("PUT", "/payments/p-2", "application/json").get(10, TimeUnit.SECONDS);
        gate.release("p-2").tryEmitValue("paid p-2");

        assertThat(browser.statusCode()).isEqualTo(409);
        assertThat(browser.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(browser.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(browser.body())
                .contains("Whitelabel Error Page")
                .contains("ReactivePayments.conduct&#39; is held by another request");
        assertThat(api.statusCode()).isEqualTo(409);
        assertThat(api.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("paid p-2");
    }

    @Test
    void aCallerRefusedByABoundGets429Or503ProblemWithRetryAfterAndABrowserTheErrorPage() throws Exception {
        HttpResponse<String> key = send("GET", "/tickets/KEY").get(10, TimeUnit.SECONDS);
        HttpResponse<String> global = send("GET", "/tickets/GLOBAL").get(10, TimeUnit.SECONDS);
        HttpResponse<String> browser =
                send("GET", "/tickets/KEY", "text/html,*/*;q=0.8").get(10, TimeUnit.SECONDS);

        assertThat(key.statusCode()).isEqualTo(429);
        assertThat(key.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(key.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(key.body())
                .contains("\"type\":\"urn:serialized-by:problem:lock-queue-full\"")
                .contains("\"bound\":\"KEY\"")
                .contains("Lock 'tickets' already has 7 requests waiting for the same key");
        assertThat(global.statusCode()).isEqualTo(503);
        assertThat(global.body()).contains("urn:serialized-by:problem:lock-waiters-saturated");
        assertThat(browser.statusCode()).isEqualTo(429);
        assertThat(browser.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(browser.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(browser.body())
                .contains("Whitelabel Error Page")
                .contains("Lock &#39;tickets&#39; already has 7 requests waiting for the same key");
    }

    @Test
    void aMissingKeyGets400Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/lookup").get(10, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("urn:serialized-by:problem:missing-lock-key");
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path) {
        return send(method, path, "*/*");
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String accept) {
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header("Accept", accept)
                        .build(),
                BodyHandlers.ofString());
    }

    /** Per payment: whether its call is inside, and the answer that lets it finish. */
    static class Gate {
        private final Map<String, Sinks.One<Boolean>> entered = new ConcurrentHashMap<>();
        private final Map<String, Sinks.One<String>> release = new ConcurrentHashMap<>();

        Sinks.One<Boolean> entered(String id) {
            return entered.computeIfAbsent(id, any -> Sinks.one());
        }

        Sinks.One<String> release(String id) {
            return release.computeIfAbsent(id, any -> Sinks.one());
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ReactivePayments.class)
    static class ReactiveApplication {
        @Bean
        Gate gate() {
            return new Gate();
        }
    }

    @RestController
    static class ReactivePayments {
        private final Gate gate;

        ReactivePayments(Gate gate) {
            this.gate = gate;
        }

        @PutMapping("/payments/{id}")
        @SerializedBy(value = "#id", policy = LockPolicy.FAIL_FAST)
        public Mono<String> conduct(@PathVariable String id) {
            return Mono.defer(() -> {
                gate.entered(id).tryEmitValue(true);
                return gate.release(id).asMono();
            });
        }

        @GetMapping("/tickets/{bound}")
        public Mono<String> buy(@PathVariable LockQueueFullException.Bound bound) {
            return Mono.error(() -> new LockQueueFullException("tickets", bound, 7, java.time.Duration.ofMillis(400)));
        }

        @GetMapping("/lookup")
        @SerializedBy("#key")
        public Mono<String> lookup(@RequestParam(required = false) @Nullable String key) {
            return Mono.just("found " + key);
        }
    }
}
