package io.github.serializedby.spring.web;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

/**
 * In Spring MVC a caller refused by a bound on waiting gets 429, or 503 for the application's bound, with
 * {@code Retry-After} from the callers ahead: as problem details, or as Spring Boot's error page for a
 * browser; never the 409 of a conflict, and a detail that names the lock, never the key (Spring's {@code
 * instance} is the request's path, as in every problem it answers).
 */
@SpringBootTest(classes = {WebTestApplication.class, LockQueueFullAnswerTests.Tickets.class})
class LockQueueFullAnswerTests {

    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Autowired
    WebApplicationContext context;

    private MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context).build();
    }

    @Test
    void aKeyWithTooManyWaitersIsAnswered429ProblemWithRetryAfterFromTheCallersAhead() throws Exception {
        mvc.perform(get("/tickets/secret-key-7/KEY").accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:lock-queue-full"))
                .andExpect(jsonPath("$.title").value("Too many requests waiting for a lock"))
                .andExpect(jsonPath("$.lockName").value("tickets"))
                .andExpect(jsonPath("$.bound").value("KEY"))
                .andExpect(jsonPath("$.waiters").value(7))
                .andExpect(jsonPath("$.detail").value(not(containsString("secret-key-7"))));
    }

    @Test
    void anExpectedWaitBeyondTheTimeoutIs429OfItsOwnTypeAndTheApplicationsBound503() throws Exception {
        mvc.perform(get("/tickets/t-1/EXPECTED_WAIT"))
                .andExpect(status().isTooManyRequests())
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:lock-wait-too-long"));
        mvc.perform(get("/tickets/t-1/GLOBAL"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:lock-waiters-saturated"));
    }

    @Test
    void aBrowserGetsTheErrorPageWithTheSameStatusTitleDetailAndRetryAfter() throws Exception {
        mvc.perform(get("/tickets/secret-key-7/KEY").header("Accept", BROWSER))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(model().attribute("status", 429))
                .andExpect(model().attribute("title", "Too many requests waiting for a lock"))
                .andExpect(model().attribute(
                                "detail",
                                "Lock 'tickets' already has 7 requests waiting for the same key; this request was"
                                        + " refused without waiting. Retry later."))
                .andExpect(content().string(containsString("Whitelabel Error Page")))
                .andExpect(content().string(not(containsString("secret-key-7"))));
        mvc.perform(get("/tickets/t-1/GLOBAL").header("Accept", BROWSER))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "3"))
                .andExpect(model().attribute("title", "Too many requests waiting for locks"));
    }

    /** Refuses every request as the bound in the path would, seven callers ahead holding 400 ms each. */
    @RestController
    static class Tickets {
        @GetMapping("/tickets/{id}/{bound}")
        String buy(@PathVariable String id, @PathVariable Bound bound) {
            throw new LockQueueFullException("tickets", bound, 7, Duration.ofMillis(400));
        }
    }
}
