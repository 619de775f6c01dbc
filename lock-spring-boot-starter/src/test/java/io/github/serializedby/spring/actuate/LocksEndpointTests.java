package io.github.serializedby.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

class LocksEndpointTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Nested
    @SpringBootTest(
            classes = LocksTestApplication.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = "management.endpoints.web.exposure.include=locks,health,metrics")
    class ByDefault {

        @LocalServerPort
        int port;

        @Autowired
        LocksTestApplication.Gates gates;

        @Test
        void showsTheHeldLockWithItsKeyMaskedAndRefusesToReleaseIt() throws Exception {
            CompletableFuture<HttpResponse<String>> payment = sendAsync(port, "PUT", "/payments/secret-42");
            assertThat(gates.inside.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> locks = send(port, "GET", "/actuator/locks");
            HttpResponse<String> release = send(port, "DELETE", "/actuator/locks/payments/secret-42");
            HttpResponse<String> metrics = send(port, "GET", "/actuator/metrics/serialized.lock.acquire");
            gates.release.countDown();

            assertThat(locks.statusCode()).isEqualTo(200);
            assertThat(locks.body())
                    .contains("\"provider\":\"in-memory\"")
                    .contains("\"providerReason\":\"serialized-by.provider not set")
                    .contains("\"payments\":{\"policy\":\"FAIL_FAST\"")
                    .doesNotContain("leaseTime")
                    .contains("\"name\":\"payments\",\"key\":\"******\",\"mode\":\"EXCLUSIVE\"")
                    .contains("\"fencingToken\":")
                    .contains("\"waiters\":0")
                    .contains("\"waitLimits\":{\"maxWaiters\":50,\"maxLockWaiters\":100,\"refuseExpectedWait\":false}")
                    .contains("\"waiting\":{\"maxWaiting\":150,\"waiting\":0")
                    .doesNotContain("secret-42");
            assertThat(release.statusCode()).isEqualTo(405);
            assertThat(release.headers().firstValue("Allow")).contains("");
            assertThat(release.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(release.body()).contains("management.endpoint.locks.access=unrestricted");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("\"outcome\"").contains("acquired");
            assertThat(payment.get(10, TimeUnit.SECONDS).body()).isEqualTo("paid secret-42");
        }

        @Test
        void reportsTheProvidersHealth() throws Exception {
            HttpResponse<String> health = send(port, "GET", "/actuator/health");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        }

        /** Spring Boot answers 404 for every component path while components are not shown (the default). */
        @Test
        void hidesTheLocksComponentUntilComponentsAreShown() throws Exception {
            assertThat(send(port, "GET", "/actuator/health/locks").statusCode()).isEqualTo(404);
        }
    }

    /** The settings the README gives for {@code /actuator/health/locks}. */
    @Nested
    @SpringBootTest(
            classes = LocksTestApplication.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-components=always"
            })
    class WithTheReadmeHealthSettings {

        @LocalServerPort
        int port;

        @Test
        void answersTheLocksComponent() throws Exception {
            HttpResponse<String> health = send(port, "GET", "/actuator/health/locks");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        }
    }

    @Nested
    @SpringBootTest(
            classes = LocksTestApplication.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {
                "management.endpoints.web.exposure.include=locks,health",
                "management.endpoint.locks.show-values=always",
                "management.endpoint.locks.access=unrestricted",
                "management.endpoint.health.show-components=always",
                "management.endpoint.health.show-details=always"
            })
    class WhenConfigured {

        @LocalServerPort
        int port;

        @Autowired
        LocksTestApplication.Gates gates;

        @Test
        @ExtendWith(OutputCaptureExtension.class)
        void showsKeysAndForceReleasesALockAndLogsIt(CapturedOutput output) throws Exception {
            CompletableFuture<HttpResponse<String>> payment = sendAsync(port, "PUT", "/payments/p-7");
            assertThat(gates.inside.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> locks = send(port, "GET", "/actuator/locks");
            HttpResponse<String> refused = send(port, "PUT", "/payments/p-7");
            HttpResponse<String> release = send(port, "DELETE", "/actuator/locks/payments/p-7");
            HttpResponse<String> afterRelease = send(port, "GET", "/actuator/locks");
            gates.release.countDown();

            assertThat(locks.body()).contains("\"key\":\"p-7\"");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(release.statusCode()).isEqualTo(200);
            assertThat(release.body()).contains("\"released\":1");
            assertThat(afterRelease.body()).contains("\"held\":[]");
            assertThat(output).contains("Force-released 1 lease(s) of lock 'payments'");
            assertThat(payment.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }

        @Test
        void healthShowsTheLockProvider() throws Exception {
            HttpResponse<String> health = send(port, "GET", "/actuator/health/locks");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"provider\":\"in-memory\"");
        }
    }

    /** The actuator on its own port, a child context with its own server, as behind a private network. */
    @Nested
    @SpringBootTest(
            classes = LocksTestApplication.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {
                "management.server.port=0",
                "management.endpoints.web.exposure.include=locks",
                "management.endpoint.locks.show-values=always"
            })
    class OnASeparateManagementPort {

        @LocalServerPort
        int port;

        @LocalManagementPort
        int managementPort;

        @Autowired
        LocksTestApplication.Gates gates;

        @Test
        void refusesToReleaseALockAsOnTheMainPort() throws Exception {
            CompletableFuture<HttpResponse<String>> payment = sendAsync(port, "PUT", "/payments/m-9");
            assertThat(gates.inside.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> release = send(managementPort, "DELETE", "/actuator/locks/payments/m-9");
            HttpResponse<String> afterRelease = send(managementPort, "GET", "/actuator/locks");
            gates.release.countDown();

            assertThat(afterRelease.body()).contains("\"name\":\"payments\",\"key\":\"m-9\"");
            assertThat(release.statusCode()).isEqualTo(405);
            assertThat(release.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(release.body()).contains("management.endpoint.locks.access=unrestricted");
            assertThat(payment.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> send(int port, String method, String path) throws Exception {
        return HTTP.send(request(port, method, path), BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(int port, String method, String path) {
        return HTTP.sendAsync(request(port, method, path), BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
    }
}
