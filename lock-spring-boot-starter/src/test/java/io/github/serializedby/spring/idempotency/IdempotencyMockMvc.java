package io.github.serializedby.spring.idempotency;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.security.Principal;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** MockMvc over an application context with the idempotency filter in front, as the server has it. */
final class IdempotencyMockMvc {

    private IdempotencyMockMvc() {}

    static MockMvc of(WebApplicationContext context) {
        return MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean(IdempotencyFilter.class))
                .build();
    }

    static String newKey() {
        return UUID.randomUUID().toString();
    }

    /** A JSON POST with the key (none when null) and the caller (anonymous when null). */
    static MockHttpServletRequestBuilder postJson(
            String path, @Nullable String key, String json, @Nullable String user) {
        MockHttpServletRequestBuilder request =
                post(path).contentType(MediaType.APPLICATION_JSON).content(json);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        if (user != null) {
            Principal principal = () -> user;
            request.principal(principal);
        }
        return request;
    }

    static MockHttpServletRequestBuilder postJson(String path, @Nullable String key, String json) {
        return postJson(path, key, json, null);
    }
}
