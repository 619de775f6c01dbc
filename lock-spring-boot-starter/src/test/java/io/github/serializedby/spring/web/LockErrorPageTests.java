package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.View;

/**
 * A browser is answered with Spring Boot's error view (an application's error page for the status, or
 * the whitelabel page), API clients and clients accepting anything with problem details, as before.
 */
@SpringBootTest(classes = {WebTestApplication.class, LockErrorPageTests.ConflictPage.class})
class LockErrorPageTests {

    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Autowired
    WebApplicationContext context;

    @Autowired
    Gate gate;

    private MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context).build();
    }

    @Test
    void whileAKeyIsHeldABrowserGetsTheErrorPageAndAnApiClientTheProblem() throws Exception {
        gate.close("h-1");
        CompletableFuture<MvcResult> first = CompletableFuture.supplyAsync(() -> {
            try {
                return mvc.perform(put("/payments/h-1")).andReturn();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        gate.awaitArrival("h-1");
        try {
            mvc.perform(put("/payments/h-1").header("Accept", BROWSER))
                    .andExpect(status().isConflict())
                    .andExpect(header().string("Retry-After", "1"))
                    .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                    .andExpect(model().attribute("status", 409))
                    .andExpect(model().attribute("title", "Lock held by another request"))
                    .andExpect(content()
                            .string("<h1>Lock held by another request</h1><p>Lock"
                                    + " 'PaymentsController.conduct' is held by another request. Retry later.</p>"));
            for (String accept : new String[] {MediaType.APPLICATION_JSON_VALUE, null}) {
                var request = put("/payments/h-1");
                if (accept != null) {
                    request.header("Accept", accept);
                }
                mvc.perform(request)
                        .andExpect(status().isConflict())
                        .andExpect(header().string("Retry-After", "1"))
                        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                        .andExpect(content()
                                .string(org.hamcrest.Matchers.containsString(
                                        "\"type\":\"urn:serialized-by:problem:lock-conflict\"")));
            }
        } finally {
            gate.open("h-1");
        }
        assertThat(first.get(10, TimeUnit.SECONDS).getResponse().getContentAsString())
                .isEqualTo("paid h-1");
    }

    @Test
    void withoutAnErrorPageForTheStatusABrowserGetsTheWhitelabelPageWithTheDetail() throws Exception {
        mvc.perform(get("/down/d-1").header("Accept", BROWSER))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(model().attribute("title", "Lock provider unavailable"))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Whitelabel Error Page")))
                .andExpect(content()
                        .string(org.hamcrest.Matchers.containsString(
                                "Lock &#39;down&#39; could not be checked, so the request was not processed.")));
    }

    @Test
    void aMissingKeyIsA400PageForABrowser() throws Exception {
        mvc.perform(get("/lookup").accept(MediaType.TEXT_HTML))
                .andExpect(status().isBadRequest())
                .andExpect(header().doesNotExist("Retry-After"))
                .andExpect(model().attribute("title", "Missing lock key"));
        assertThat(context.getBeansOfType(LockProblemDetailsAdvice.class).values())
                .singleElement()
                .isInstanceOf(LockErrorViewAdvice.class);
    }

    /** An application's error page for 409, as a template {@code error/409.html} would be. */
    @Configuration(proxyBeanMethods = false)
    static class ConflictPage {
        @Bean
        ErrorViewResolver conflictPage() {
            View page = (model, request, response) -> {
                response.setContentType(MediaType.TEXT_HTML_VALUE);
                response.getWriter().write("<h1>" + model.get("title") + "</h1><p>" + model.get("detail") + "</p>");
            };
            return (request, status, model) -> status == HttpStatus.CONFLICT ? new ModelAndView(page, model) : null;
        }
    }
}
