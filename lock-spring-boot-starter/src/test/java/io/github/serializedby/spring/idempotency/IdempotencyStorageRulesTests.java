package io.github.serializedby.spring.idempotency;

import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.newKey;
import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/** What is stored and replayed, for whom, and up to which size. */
@SpringBootTest(
        classes = IdempotencyTestApplication.class,
        properties = {"serialized-by.idempotency.max-body-size=4KB", "spring.mvc.problemdetails.enabled=true"})
class IdempotencyStorageRulesTests {

    @Autowired
    WebApplicationContext context;

    @Autowired
    IdempotencyTestApplication.Endpoints endpoints;

    @Autowired
    InMemoryLockProvider locks;

    MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = IdempotencyMockMvc.of(context);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 409, 425, 429, 500, 503})
    void aRetryableRefusalOrServerErrorIsNotStoredSoTheRetryRunsAgain(int answer) throws Exception {
        String key = newKey();
        String path = "/status/" + answer;
        int before = endpoints.runs(path);

        mvc.perform(postJson(path, key, "{}")).andExpect(status().is(answer));
        mvc.perform(postJson(path, key, "{}"))
                .andExpect(status().is(answer))
                .andExpect(header().doesNotExist("Idempotent-Replayed"))
                .andExpect(header().string(IdempotencyInterceptor.NOT_STORED_HEADER, "false"));

        assertThat(endpoints.runs(path) - before)
                .as("the handler ran for the retry")
                .isEqualTo(2);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/missing-lock-key", "/nested-invalid-key", "/provider-down"})
    void theLibrarysOwnLockAndIdempotencyProblemsAreNotStored(String path) throws Exception {
        String key = newKey();
        int before = endpoints.runs(path);

        mvc.perform(postJson(path, key, "{}"));
        mvc.perform(postJson(path, key, "{}"))
                .andExpect(jsonPath("$.type").value(startsWith("urn:serialized-by:problem:")))
                .andExpect(header().doesNotExist("Idempotent-Replayed"));

        assertThat(endpoints.runs(path) - before).isEqualTo(2);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void aClientErrorOfTheHandlerIsStoredAndReplayed() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/status/422");

        mvc.perform(postJson("/status/422", key, "{}")).andExpect(status().is(422));
        mvc.perform(postJson("/status/422", key, "{}"))
                .andExpect(status().is(422))
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(content().string("status 422"));

        assertThat(endpoints.runs("/status/422") - before).isEqualTo(1);
    }

    @Test
    void byDefaultAnotherCallerWithTheSameKeyAndBodyIsNotGivenTheFirstCallersResponse() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/orders");

        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "alice")).andExpect(status().isCreated());
        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "bob"))
                .andExpect(status().isCreated())
                .andExpect(header().doesNotExist("Idempotent-Replayed"));
        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "alice"))
                .andExpect(header().string("Idempotent-Replayed", "true"));

        assertThat(endpoints.runs("/orders") - before).isEqualTo(2);
    }

    @Test
    void aPrincipalNamedAnonymousDoesNotShareTheScopeOfUnauthenticatedCallers() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/orders");

        mvc.perform(postJson("/orders", key, "{\"amount\":5}", "anonymous")).andExpect(status().isCreated());
        mvc.perform(postJson("/orders", key, "{\"amount\":5}", null))
                .andExpect(status().isCreated())
                .andExpect(header().doesNotExist("Idempotent-Replayed"));
        mvc.perform(postJson("/orders", key, "{\"amount\":5}", null))
                .andExpect(header().string("Idempotent-Replayed", "true"));

        assertThat(endpoints.runs("/orders") - before).isEqualTo(2);
    }

    @Test
    void aBodyOverTheCapIsRefusedWith413AndNothingIsHeld() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/text");

        mvc.perform(postJson("/text", key, "\"" + "x".repeat(5000) + "\""))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:idempotency-body-too-large"));

        assertThat(endpoints.runs("/text") - before).isZero();
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void aResponseOverTheCapIsSentWholeButNotStoredAndSaysSo() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/big-answer");

        mvc.perform(postJson("/big-answer/5000", key, "{}"))
                .andExpect(status().isOk())
                .andExpect(header().string(IdempotencyInterceptor.NOT_STORED_HEADER, "false"))
                .andExpect(content().string("x".repeat(5000)));
        mvc.perform(postJson("/big-answer/5000", key, "{}"))
                .andExpect(header().doesNotExist("Idempotent-Replayed"))
                .andExpect(content().string("x".repeat(5000)));

        assertThat(endpoints.runs("/big-answer") - before).isEqualTo(2);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void aResponseWithinTheCapIsStored() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/big-answer");

        mvc.perform(postJson("/big-answer/4000", key, "{}"))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist(IdempotencyInterceptor.NOT_STORED_HEADER));
        mvc.perform(postJson("/big-answer/4000", key, "{}"))
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(content().string("x".repeat(4000)));

        assertThat(endpoints.runs("/big-answer") - before).isEqualTo(1);
    }
}
