package io.github.serializedby.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A WebFlux application refuses a force-release of its read-only {@code locks} endpoint as a servlet one does. */
class ReactiveLocksEndpointTests {

    @Nested
    @SpringBootTest(
            classes = ReactiveLocksEndpointTests.Application.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {"spring.main.web-application-type=reactive", "management.endpoints.web.exposure.include=locks"
            })
    class ByDefault {

        @LocalServerPort
        int port;

        @Test
        void refusesToReleaseALockNamingTheProperty() {
            assertRefused(client(port));
        }
    }

    @Nested
    @SpringBootTest(
            classes = ReactiveLocksEndpointTests.Application.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.main.web-application-type=reactive",
                "management.server.port=0",
                "management.endpoints.web.exposure.include=locks"
            })
    class OnASeparateManagementPort {

        @LocalManagementPort
        int managementPort;

        @Test
        void refusesToReleaseALockAsOnTheMainPort() {
            assertRefused(client(managementPort));
        }
    }

    @Nested
    @SpringBootTest(
            classes = ReactiveLocksEndpointTests.Application.class,
            webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.main.web-application-type=reactive",
                "management.endpoints.web.exposure.include=locks",
                "management.endpoint.locks.access=unrestricted"
            })
    class WhenUnrestricted {

        @LocalServerPort
        int port;

        @Test
        void releases() {
            client(port)
                    .delete()
                    .uri("/actuator/locks/payments/p-1")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.released")
                    .isEqualTo(0);
        }
    }

    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    private static void assertRefused(WebTestClient client) {
        client.delete()
                .uri("/actuator/locks/payments/p-1")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader()
                .valueEquals("Allow", "")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo(ForceReleaseRefusalFilter.TYPE)
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail).contains("management.endpoint.locks.access=unrestricted"));
        client.get().uri("/actuator/locks").exchange().expectStatus().isOk();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {}
}
