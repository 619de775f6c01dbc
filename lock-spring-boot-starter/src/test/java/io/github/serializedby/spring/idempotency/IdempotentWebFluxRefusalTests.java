package io.github.serializedby.spring.idempotency;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Idempotency keys are honoured by Spring MVC only: a WebFlux application with an {@code @Idempotent}
 * handler must not start, rather than run the handler for every retry.
 */
class IdempotentWebFluxRefusalTests {

    @Test
    void aWebFluxApplicationWithAnIdempotentHandlerFailsToStartNamingTheMethod() {
        SpringApplicationBuilder application = new SpringApplicationBuilder(ReactiveApplication.class)
                .web(WebApplicationType.REACTIVE)
                .properties("server.port=0");

        assertThatThrownBy(application::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@Idempotent")
                .hasMessageContaining(ReactivePayments.class.getName() + ".create")
                .hasMessageContaining("WebFlux");
    }

    @RestController
    static class ReactivePayments {
        @PostMapping("/payments")
        @Idempotent
        Mono<String> create() {
            return Mono.just("created");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ReactivePayments.class)
    static class ReactiveApplication {}
}
