package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(classes = WebTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerializedByWebTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Gate gate;

    @Autowired
    WebTestApplication.Counters counters;

    @Test
    void failFastAnswers409ProblemWithRetryAfterWhileAnotherCallHoldsTheKey() throws Exception {
        gate.close("p-1");
        CompletableFuture<HttpResponse<String>> first = sendAsync("PUT", "/payments/p-1");
        gate.awaitArrival("p-1");

        HttpResponse<String> second = send("PUT", "/payments/p-1");
        HttpResponse<String> otherPayment = send("PUT", "/payments/p-2");
        gate.open("p-1");

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(second.body())
                .contains("\"type\":\"urn:serialized-by:problem:lock-conflict\"")
                .contains("\"title\":\"Lock held by another request\"")
                .contains("\"status\":409")
                .contains("PaymentsController.conduct");
        assertThat(second.body().replace("\"instance\":\"/payments/p-1\"", ""))
                .as("only the request's own path names the key")
                .doesNotContain("p-1");
        assertThat(otherPayment.statusCode()).isEqualTo(200);
        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("paid p-1");
    }

    @Test
    void waitSerializesCallsOnOneKeyAndLosesNoUpdate() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(sendAsync("POST", "/accounts/serial/work"));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }

        assertThat(counters.maxInside.get("serial").get()).isEqualTo(1);
        assertThat(counters.unsynchronised.get("serial")).isEqualTo(40);
    }

    @Test
    void callsOnOtherKeysProceedWhileAKeyIsHeld() throws Exception {
        gate.close("held");
        CompletableFuture<HttpResponse<String>> holder = sendAsync("POST", "/accounts/held/work");
        gate.awaitArrival("held");
        CompletableFuture<HttpResponse<String>> waiter = sendAsync("POST", "/accounts/held/work");

        HttpResponse<String> other = send("POST", "/accounts/free/work");

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(holder).isNotDone();
        assertThat(waiter).isNotDone();
        gate.open("held");
        assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(waiter.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aNullKeyAnswers400NamingTheExpression() throws Exception {
        HttpResponse<String> response = send("GET", "/lookup");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("urn:serialized-by:problem:missing-lock-key")
                .contains("#key");
        assertThat(send("GET", "/lookup?key=k").body()).isEqualTo("found k");
    }

    @Test
    void anUnreachableProviderAnswers503AndTheMethodNeverRuns() throws Exception {
        HttpResponse<String> response = send("GET", "/down/1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).contains("urn:serialized-by:problem:lock-provider-unavailable");
        assertThat(counters.downCalls.get()).isZero();
    }

    @Test
    void aProviderAtCapacityAnswersLikeAnUnreachableOneAndTheMethodNeverRuns() throws Exception {
        HttpResponse<String> response = send("GET", "/full/1");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).contains("urn:serialized-by:problem:lock-provider-unavailable");
        assertThat(counters.downCalls.get()).isZero();
    }

    @Test
    void theApplicationsOwnExceptionHandlerWins() throws Exception {
        gate.close("o-1");
        CompletableFuture<HttpResponse<String>> first = sendAsync("PUT", "/own/o-1");
        gate.awaitArrival("o-1");

        HttpResponse<String> second = send("PUT", "/own/o-1");
        gate.open("o-1");

        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.body()).isEqualTo("busy, says the application");
        assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(request(method, path), BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String method, String path) {
        return http.sendAsync(request(method, path), BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }
}
