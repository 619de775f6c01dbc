package io.github.serializedby.spring.idempotency;

import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.newKey;
import static io.github.serializedby.spring.idempotency.IdempotencyMockMvc.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.context.WebApplicationContext;

/**
 * {@code @Idempotent} handlers that answer asynchronously: the key stays locked until the result is
 * written, the retry is replayed, and the key is free afterwards, also when the request times out or
 * ends without its result.
 */
@SpringBootTest(
        classes = IdempotencyTestApplication.class,
        properties = {"serialized-by.idempotency.max-body-size=4KB", "spring.mvc.problemdetails.enabled=true"})
class IdempotentAsyncHandlerTests {

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

    @Test
    void aCompletableFutureHandlerRunsOnceHoldsTheKeyUntilItCompletesAndIsReplayed() throws Exception {
        String key = newKey();
        String path = "/async/future/" + key;
        int before = endpoints.runs("/async/future");

        MvcResult first = mvc.perform(postJson(path, key, "{}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        mvc.perform(postJson(path, key, "{}")).andExpect(status().isConflict());
        endpoints.futures.get(key).complete(ResponseEntity.status(201).body("done " + key));
        mvc.perform(asyncDispatch(first))
                .andExpect(status().isCreated())
                .andExpect(content().string("done " + key));
        assertThat(locks.activeKeyCount()).as("keys held after the answer").isZero();

        mvc.perform(postJson(path, key, "{}"))
                .andExpect(status().isCreated())
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(content().string("done " + key));
        assertThat(endpoints.runs("/async/future") - before).isEqualTo(1);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void aDeferredResultHandlerRunsOnceAndIsReplayed() throws Exception {
        String key = newKey();
        String path = "/async/deferred/" + key;
        int before = endpoints.runs("/async/deferred");

        MvcResult first = mvc.perform(postJson(path, key, "{}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        endpoints.deferred.get(key).setResult(ResponseEntity.status(201).body("deferred " + key));
        mvc.perform(asyncDispatch(first)).andExpect(status().isCreated());
        mvc.perform(postJson(path, key, "{}"))
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(content().string("deferred " + key));

        assertThat(endpoints.runs("/async/deferred") - before).isEqualTo(1);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void aCallableHandlerRunsOnceAndIsReplayed() throws Exception {
        String key = newKey();
        int before = endpoints.runs("/async/callable");

        MvcResult first = mvc.perform(postJson("/async/callable", key, "{\"n\":1}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        String body = mvc.perform(asyncDispatch(first))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString();
        mvc.perform(postJson("/async/callable", key, "{\"n\":1}"))
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(content().string(body));

        assertThat(endpoints.runs("/async/callable") - before).isEqualTo(1);
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void anAsyncTimeoutFreesTheKeyAndIsNotStored() throws Exception {
        String key = newKey();
        String path = "/async/deferred/" + key;
        int before = endpoints.runs("/async/deferred");

        MvcResult first = mvc.perform(postJson(path, key, "{}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        MockAsyncContext async = (MockAsyncContext) first.getRequest().getAsyncContext();
        for (AsyncListener listener : async.getListeners()) {
            listener.onTimeout(new AsyncEvent(async));
        }
        mvc.perform(asyncDispatch(first)).andExpect(status().isServiceUnavailable());
        assertThat(locks.activeKeyCount()).isZero();

        MvcResult retry = mvc.perform(postJson(path, key, "{}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        assertThat(endpoints.runs("/async/deferred") - before)
                .as("the retry ran")
                .isEqualTo(2);
        endpoints.deferred.get(key).setResult(ResponseEntity.ok("retried"));
        mvc.perform(asyncDispatch(retry)).andExpect(content().string("retried"));
        assertThat(locks.activeKeyCount()).isZero();
    }

    @Test
    void anAsyncRequestThatEndsWithoutItsResultFreesTheKey() throws Exception {
        String key = newKey();

        MvcResult first = mvc.perform(postJson("/async/future/" + key, key, "{}"))
                .andExpect(request().asyncStarted())
                .andReturn();
        assertThat(locks.activeKeyCount()).isEqualTo(1);
        first.getRequest().getAsyncContext().complete();

        assertThat(locks.activeKeyCount()).isZero();
    }
}
