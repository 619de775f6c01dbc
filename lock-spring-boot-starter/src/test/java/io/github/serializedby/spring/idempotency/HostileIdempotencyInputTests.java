package io.github.serializedby.spring.idempotency;

import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.newKey;
import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.InMemoryIdempotencyStore;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/**
 * Idempotency keys and bodies a client should not send: each is answered with a 4xx problem, the
 * handler does not run, and no lock or stored response is left behind.
 */
@SpringBootTest(
        classes = IdempotencyTestApplication.class,
        properties = {"serialized-by.idempotency.max-body-size=4KB", "spring.mvc.problemdetails.enabled=true"})
class HostileIdempotencyInputTests {

    private static final String INVALID_KEY = "urn:serialized-by:problem:idempotency-key-invalid";

    @Autowired
    WebApplicationContext context;

    @Autowired
    IdempotencyTestApplication.Endpoints endpoints;

    @Autowired
    InMemoryLockProvider locks;

    @Autowired
    IdempotencyStore store;

    MockMvc mvc;
    int storedBefore;
    int ordersBefore;

    @BeforeEach
    void setUp() {
        mvc = IdempotencyMockMvc.of(context);
        storedBefore = ((InMemoryIdempotencyStore) store).size();
        ordersBefore = endpoints.runs("/orders");
    }

    @AfterEach
    void nothingIsHeldOrLeftBehind() {
        assertThat(locks.activeKeyCount()).as("keys held").isZero();
    }

    static Stream<Arguments> refusedKeys() {
        return Stream.of(
                Arguments.of("blank", "   "),
                Arguments.of("empty quoted", "\"\""),
                Arguments.of("256 characters", "k".repeat(256)),
                Arguments.of("1 MB", "k".repeat(1 << 20)),
                Arguments.of("a control character", "key\u0000one"),
                Arguments.of("a line break", "key\r\none"),
                Arguments.of("non-ASCII", "schlüssel"),
                Arguments.of("a lone surrogate", "key\ud800"),
                Arguments.of("an emoji", "key\ud83d\ude00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedKeys")
    void aMalformedKeyGets400AndTheHandlerDoesNotRun(String what, String key) throws Exception {
        mvc.perform(postJson("/orders", key, "{\"amount\":1}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value(INVALID_KEY));

        assertNothingRanOrWasStored();
    }

    @Test
    void aMissingKeyGets400() throws Exception {
        mvc.perform(postJson("/orders", null, "{\"amount\":1}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value(INVALID_KEY));

        assertNothingRanOrWasStored();
    }

    @Test
    void aQuotedKeyOfPrintableCharactersIsAccepted() throws Exception {
        mvc.perform(postJson("/orders", "\"" + newKey() + " ~!#\"", "{\"amount\":1}"))
                .andExpect(status().isCreated());
    }

    @Test
    void aHugeBodyGets413WithoutBeingReadWhole() throws Exception {
        mvc.perform(postJson("/orders", newKey(), "{\"pad\":\"" + "x".repeat(8 << 20) + "\"}"))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:idempotency-body-too-large"));

        assertNothingRanOrWasStored();
    }

    @Test
    void aBodyOfInvalidUtf8GetsTheApplications400AndFreesTheKey() throws Exception {
        byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
        String key = newKey();

        mvc.perform(post("/orders")
                        .header("Idempotency-Key", key)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(invalid))
                .andExpect(status().isBadRequest());

        assertThat(endpoints.runs("/orders")).isEqualTo(ordersBefore);
    }

    @Test
    void aTextBodyOfInvalidUtf8IsFingerprintedByItsBytes() throws Exception {
        String key = newKey();
        byte[] first = {'a', (byte) 0xFF};
        byte[] second = {'a', (byte) 0xFE};

        mvc.perform(post("/text")
                        .header("Idempotency-Key", key)
                        .contentType("text/plain;charset=UTF-8")
                        .content(first))
                .andExpect(status().isOk());
        mvc.perform(post("/text")
                        .header("Idempotency-Key", key)
                        .contentType("text/plain;charset=UTF-8")
                        .content(second))
                .andExpect(status().isUnprocessableContent());
    }

    @Test
    void aNumberTooLongToParseGets400() throws Exception {
        mvc.perform(postJson("/orders", newKey(), "{\"amount\":" + "9".repeat(3000) + "}"))
                .andExpect(status().isBadRequest());

        assertThat(endpoints.runs("/orders")).isEqualTo(ordersBefore);
    }

    @Test
    void aNumberWithAHugeExponentIsAnsweredWithoutAServerError() throws Exception {
        String key = newKey();

        String first = mvc.perform(postJson("/orders", key, "{\"amount\":1E+999999999}"))
                .andExpect(status().is(org.hamcrest.Matchers.lessThan(500)))
                .andReturn()
                .getResponse()
                .getContentAsString();
        mvc.perform(postJson("/orders", key, "{\"amount\":1E+999999999}"))
                .andExpect(content().string(first));
    }

    private void assertNothingRanOrWasStored() {
        assertThat(endpoints.runs("/orders")).as("handler runs").isEqualTo(ordersBefore);
        assertThat(((InMemoryIdempotencyStore) store).size())
                .as("stored responses")
                .isEqualTo(storedBefore);
    }
}
