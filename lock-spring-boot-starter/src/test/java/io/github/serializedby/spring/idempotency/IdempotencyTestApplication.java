package io.github.serializedby.spring.idempotency;

import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.NullLockKeyException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** An application with idempotent endpoints of every kind, for the MockMvc idempotency tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(IdempotencyTestApplication.Endpoints.class)
class IdempotencyTestApplication {

    /** The provider the tests inspect: it must hold nothing once a request is answered. */
    @Bean
    InMemoryLockProvider lockProvider() {
        return new InMemoryLockProvider();
    }

    @RestController
    static class Endpoints {
        /** How often each endpoint ran, by path. */
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        /** The futures that async handlers returned, completed by the tests. */
        final Map<String, CompletableFuture<ResponseEntity<String>>> futures = new ConcurrentHashMap<>();

        final Map<String, DeferredResult<ResponseEntity<String>>> deferred = new ConcurrentHashMap<>();

        int runs(String path) {
            return runs.computeIfAbsent(path, p -> new AtomicInteger()).get();
        }

        private int ran(String path) {
            return runs.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        }

        @PostMapping("/orders")
        @Idempotent
        ResponseEntity<Map<String, Object>> order(@RequestBody Map<String, Object> order) {
            int id = ran("/orders");
            return ResponseEntity.created(URI.create("/orders/" + id)).body(Map.of("id", id, "order", order));
        }

        @PostMapping("/text")
        @Idempotent
        String text(@RequestBody String text) {
            ran("/text");
            return "got " + text.length();
        }

        @PostMapping("/status/{status}")
        @Idempotent
        ResponseEntity<String> status(@PathVariable int status) {
            ran("/status/" + status);
            return ResponseEntity.status(status).body("status " + status);
        }

        @PostMapping("/missing-lock-key")
        @Idempotent
        String missingLockKey() {
            ran("/missing-lock-key");
            throw new NullLockKeyException("orders", "#order.id", "Endpoints.missingLockKey()");
        }

        @PostMapping("/provider-down")
        @Idempotent
        String providerDown() {
            ran("/provider-down");
            throw LockProviderUnavailableException.from(
                    LockRequest.exclusive("orders", "1"), new IOException("connection refused"));
        }

        /** A 400 that a retry might not get: the handler's own call with another key was refused. */
        @PostMapping("/nested-invalid-key")
        @Idempotent
        String nestedInvalidKey() {
            ran("/nested-invalid-key");
            throw new IdempotencyException(IdempotencyException.Reason.INVALID_KEY, "nested call refused");
        }

        @PostMapping("/big-answer/{bytes}")
        @Idempotent
        String bigAnswer(@PathVariable int bytes) {
            ran("/big-answer");
            return "x".repeat(bytes);
        }

        @PostMapping("/async/future/{name}")
        @Idempotent
        CompletableFuture<ResponseEntity<String>> future(@PathVariable String name) {
            ran("/async/future");
            CompletableFuture<ResponseEntity<String>> future = new CompletableFuture<>();
            futures.put(name, future);
            return future;
        }

        @PostMapping("/async/deferred/{name}")
        @Idempotent
        DeferredResult<ResponseEntity<String>> deferred(@PathVariable String name) {
            ran("/async/deferred");
            DeferredResult<ResponseEntity<String>> result = new DeferredResult<>(60_000L);
            deferred.put(name, result);
            return result;
        }

        @PostMapping("/async/callable")
        @Idempotent
        Callable<ResponseEntity<String>> callable(@RequestBody String body) {
            int run = ran("/async/callable");
            return () -> ResponseEntity.status(201).body("callable " + run + " " + body);
        }

        /** Not idempotent: reads the body as a stream and answers how many bytes it read. */
        @PostMapping("/plain/count")
        String count(HttpServletRequest request) throws IOException {
            ran("/plain/count");
            long total = 0;
            try (InputStream body = request.getInputStream()) {
                byte[] chunk = new byte[8192];
                for (int read; (read = body.read(chunk)) != -1; ) {
                    total += read;
                }
            }
            return Long.toString(total);
        }
    }
}
