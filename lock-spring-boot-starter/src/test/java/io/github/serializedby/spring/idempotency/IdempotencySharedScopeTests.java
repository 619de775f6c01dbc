package io.github.serializedby.spring.idempotency;

import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.newKey;
import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.postJson;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.context.WebApplicationContext;

/** The explicit opt-out: keys shared by every caller, as an application with its own scoping may want. */
@SpringBootTest(
        classes = IdempotencyTestApplication.class,
        properties = "serialized-by.idempotency.scope-by-principal=false")
class IdempotencySharedScopeTests {

    @Autowired
    WebApplicationContext context;

    @Test
    void withScopingOffAnotherCallerWithTheSameKeyAndBodyGetsTheStoredResponse() throws Exception {
        var mvc = IdempotencyMockMvc.of(context);
        String key = newKey();

        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "alice")).andExpect(status().isCreated());
        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "bob"))
                .andExpect(header().string("Idempotent-Replayed", "true"));
    }
}
