package io.github.serializedby.spring.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.StaleFencingTokenException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A fence's refusal reaches the client as 409 problem+json of its own type, in Spring MVC and WebFlux. */
class StaleFencingTokenAnswerTests {

    private final LockProblemDetailsAdvice advice =
            new LockProblemDetailsAdvice(HttpStatus.CONFLICT, Duration.ofSeconds(1));

    @Test
    void springMvcAnswers409WithTheStaleTokenProblem() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new Withdrawals())
                .setControllerAdvice(advice)
                .build();

        mvc.perform(post("/accounts/a1/withdrawals"))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(header().doesNotExist(HttpHeaders.RETRY_AFTER))
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:stale-fencing-token"))
                .andExpect(jsonPath("$.lockName").value("account"))
                .andExpect(jsonPath("$.detail")
                        .value("The lock 'account' was lost while this request ran; nothing was written."));
    }

    @Test
    void webFluxAnswers409WithTheStaleTokenProblem() {
        WebTestClient client = WebTestClient.bindToController(new ReactiveWithdrawals())
                .controllerAdvice(advice)
                .build();

        client.post()
                .uri("/accounts/a1/withdrawals")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.CONFLICT)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .isEqualTo("urn:serialized-by:problem:stale-fencing-token")
                .jsonPath("$.lockName")
                .isEqualTo("account");
    }

    @RestController
    static class Withdrawals {

        @PostMapping("/accounts/{id}/withdrawals")
        String withdraw(@PathVariable String id) {
            throw new StaleFencingTokenException("account", 7, 9);
        }
    }

    @RestController
    static class ReactiveWithdrawals {

        @PostMapping("/accounts/{id}/withdrawals")
        Mono<String> withdraw(@PathVariable String id) {
            return Mono.error(new StaleFencingTokenException("account", 7, 9));
        }
    }
}
