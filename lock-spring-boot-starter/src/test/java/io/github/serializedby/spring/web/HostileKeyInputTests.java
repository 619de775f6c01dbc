package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.LockKeyEvaluationException;
import io.github.serializedby.spring.SerializedBy;
import jakarta.servlet.ServletException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

/**
 * Keys a client controls, at their worst, through a {@code @SerializedBy} endpoint: each is answered with
 * a 400 problem naming the lock (or, for a huge number, locked under a short canonical key), the method
 * does not run on a refused key, no provider ever sees a refused key, and nothing is held afterwards. A
 * key expression that fails on what the client sent is the application's error, answered as any
 * unhandled exception (500), not a 400.
 */
@SpringBootTest(
        classes = HostileKeyInputTests.HostileApplication.class,
        properties = "serialized-by.max-keys-per-call=" + HostileKeyInputTests.MAX_KEYS)
class HostileKeyInputTests {

    static final int MAX_KEYS = 8;

    private static final String MEGABYTE_KEY = "k".repeat(1 << 20);

    @Autowired
    WebApplicationContext context;

    @Autowired
    RecordingProvider provider;

    @Autowired
    Orders orders;

    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context).build();
        provider.requests.clear();
        orders.calls().clear();
    }

    @AfterEach
    void nothingIsHeld() {
        assertThat(provider.memory.activeKeyCount())
                .as("keys held or waited for")
                .isZero();
    }

    @Test
    void aNullKeyIsAMissingKey() throws Exception {
        expectProblem(postOrder("{\"id\":null}"), "missing-lock-key");
        expectProblem(postOrder("{}"), "missing-lock-key");
    }

    @Test
    void aBlankKeyIsAMissingKey() throws Exception {
        expectProblem(postOrder("{\"id\":\" \\t \"}"), "missing-lock-key");
        expectProblem(mvc.perform(put("/orders/{id}", "   ")), "missing-lock-key");
    }

    @Test
    void aMegabyteKeyIsRefusedByLengthBeforeAnyProviderSeesIt() throws Exception {
        expectProblem(postOrder("{\"id\":\"" + MEGABYTE_KEY + "\"}"), "invalid-lock-key")
                .andExpect(jsonPath("$.detail")
                        .value("The key of lock 'orders' was refused: longer than " + LockRequest.MAX_KEY_LENGTH
                                + " characters."));
    }

    @Test
    void aLoneSurrogateInJsonArrivesAsSuchAndIsRefused() throws Exception {
        expectProblem(postOrder("{\"id\":\"a\\ud800\"}"), "invalid-lock-key");
        expectProblem(postOrder("{\"id\":\"\\udc00\"}"), "invalid-lock-key");
    }

    /**
     * The servlet path is decoded as UTF-8 before the controller sees it: an encoded lone surrogate
     * (CESU bytes ED A0 80) never reaches the key as a surrogate, so it cannot be refused as one; what
     * arrives is well-formed text, and the provider only ever sees well-formed keys.
     */
    @Test
    void anEncodedLoneSurrogateInThePathNeverReachesTheProviderAsASurrogate() throws Exception {
        mvc.perform(put("/orders/a%ED%A0%80")).andExpect(status().is2xxSuccessful());

        assertThat(provider.requests)
                .singleElement()
                .satisfies(request -> assertThat(request.key().chars().anyMatch(c -> Character.isSurrogate((char) c)))
                        .isFalse());
    }

    @Test
    void aHugeDecimalIsLockedUnderAShortCanonicalKey() throws Exception {
        mvc.perform(post("/orders/amount")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("1E+999999999"))
                .andExpect(status().isOk());
        mvc.perform(post("/orders/amount")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("-1E-999999999"))
                .andExpect(status().isOk());
        mvc.perform(post("/orders/amount")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("1.50"))
                .andExpect(status().isOk());

        assertThat(provider.requests)
                .extracting(LockRequest::key)
                .containsExactly("1E+999999999", "-1E-999999999", "1.5");
    }

    @Test
    void moreKeysThanACallMayLockAreRefusedNamingTheLockNotTheKeys() throws Exception {
        expectProblem(postBatch(MAX_KEYS + 1), "invalid-lock-key")
                .andExpect(jsonPath("$.detail")
                        .value("The key of lock 'orders' was refused: " + (MAX_KEYS + 1)
                                + " keys in one call, more than the " + MAX_KEYS + " allowed."))
                .andExpect(content().string(not(containsString("secret-"))));

        postBatch(MAX_KEYS).andExpect(status().isOk());
        assertThat(provider.requests).hasSize(MAX_KEYS);
    }

    /**
     * No advice answers the failure, so the servlet container's 500 does (MockMvc rethrows it): a 400
     * would blame the client for the application's expression, and its detail would name what was sent.
     */
    @Test
    void aKeyExpressionThatFailsOnTheRequestIsNotAnsweredAsTheClientsError() {
        assertThatThrownBy(() -> mvc.perform(put("/orders/by-reference/{reference}", "secret-reference")))
                .isInstanceOf(ServletException.class)
                .cause()
                .isInstanceOf(LockKeyEvaluationException.class)
                .hasMessageContaining("'#reference.noSuchProperty'")
                .hasMessageContaining(Orders.class.getName() + ".byReference(String)")
                .hasMessageNotContaining("secret-reference");
        assertThat(orders.calls()).as("calls of the method").isEmpty();
        assertThat(provider.requests).as("requests that reached the provider").isEmpty();
    }

    /**
     * An exception of the application's own code that a key expression calls is the application's: its
     * handler answers it (a not-found stays a 404) and the method does not run.
     */
    @Test
    void anApplicationExceptionThrownByAKeyExpressionReachesTheApplicationsHandler() throws Exception {
        mvc.perform(put("/orders/by-customer/{customer}", "unknown"))
                .andExpect(status().isNotFound())
                .andExpect(content().string("no such customer"));
        assertThat(orders.calls()).as("calls of the method").isEmpty();
        assertThat(provider.requests).as("requests that reached the provider").isEmpty();
    }

    private ResultActions postBatch(int ids) throws Exception {
        String json = IntStream.rangeClosed(1, ids)
                .mapToObj(i -> "\"secret-" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        return mvc.perform(
                post("/orders/batch").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions postOrder(String json) throws Exception {
        return mvc.perform(
                post("/orders").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions expectProblem(ResultActions call, String type) throws Exception {
        call.andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:serialized-by:problem:" + type))
                .andExpect(jsonPath("$.lockName").value("orders"));
        assertThat(orders.calls()).as("calls of the method").isEmpty();
        assertThat(provider.requests).as("requests that reached the provider").isEmpty();
        return call;
    }

    /** The in-memory provider, recording every request it is asked for. */
    static class RecordingProvider implements LockProvider {

        final InMemoryLockProvider memory = new InMemoryLockProvider();
        final List<LockRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public Optional<Lease> tryAcquire(LockRequest request) {
            requests.add(request);
            return memory.tryAcquire(request);
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            requests.add(request);
            return memory.acquire(request, maxWait);
        }

        @Override
        public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) throws InterruptedException {
            requests.add(request);
            return memory.acquireBlocking(request, maxWait);
        }
    }

    record Order(@Nullable String id) {}

    @RestController
    static class Orders {

        private final List<String> calls = new CopyOnWriteArrayList<>();

        /** The calls that ran; a method, since the bean is a proxy. */
        public List<String> calls() {
            return calls;
        }

        @PostMapping("/orders")
        @SerializedBy(value = "#order.id", name = "orders")
        public String place(@RequestBody Order order) {
            calls.add("place");
            return "placed";
        }

        @PutMapping("/orders/{id}")
        @SerializedBy(value = "#id", name = "orders")
        public String update(@PathVariable String id) {
            calls.add("update");
            return "updated";
        }

        @PostMapping("/orders/batch")
        @SerializedBy(value = "#ids", name = "orders")
        public String batch(@RequestBody List<String> ids) {
            calls.add("batch");
            return "locked";
        }

        @PutMapping("/orders/by-reference/{reference}")
        @SerializedBy(value = "#reference.noSuchProperty", name = "orders")
        public String byReference(@PathVariable String reference) {
            calls.add("by-reference");
            return "locked";
        }

        @PutMapping("/orders/by-customer/{customer}")
        @SerializedBy(value = "@customers.accountOf(#customer)", name = "orders")
        public String byCustomer(@PathVariable String customer) {
            calls.add("by-customer");
            return "locked";
        }

        @ExceptionHandler
        ResponseEntity<String> notFound(NoSuchCustomerException e) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(e.getMessage());
        }

        @PostMapping("/orders/amount")
        @SerializedBy(value = "#amount", name = "orders")
        public String byAmount(@RequestBody BigDecimal amount) {
            calls.add("amount");
            return "locked";
        }
    }

    static class NoSuchCustomerException extends RuntimeException {
        NoSuchCustomerException() {
            super("no such customer");
        }
    }

    /** The application's own lookup a key expression calls. */
    public static class Customers {
        public String accountOf(String customer) {
            throw new NoSuchCustomerException();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Orders.class)
    static class HostileApplication {

        @Bean
        Customers customers() {
            return new Customers();
        }

        @Bean
        RecordingProvider lockProvider() {
            return new RecordingProvider();
        }
    }
}
