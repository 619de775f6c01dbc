package io.github.serializedby.spring.web;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderBusyException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.SerializedBy;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

@SpringBootConfiguration
@EnableAutoConfiguration
@Import({
    WebTestApplication.PaymentsController.class,
    WebTestApplication.AccountsController.class,
    WebTestApplication.OwnAnswerController.class,
    WebTestApplication.OwnAnswerAdvice.class
})
class WebTestApplication {

    @Bean
    Gate gate() {
        return new Gate();
    }

    @Bean
    Counters counters() {
        return new Counters();
    }

    /** In memory, except that locks named "down" find the store unreachable, and "full" at capacity. */
    @Bean
    LockProvider lockProvider() {
        InMemoryLockProvider memory = new InMemoryLockProvider();
        return new LockProvider() {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                failIfDown(request);
                return memory.tryAcquire(request);
            }

            @Override
            public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                failIfDown(request);
                return memory.acquire(request, maxWait);
            }

            private void failIfDown(LockRequest request) {
                if (request.name().equals("down")) {
                    throw new LockProviderUnavailableException(request.name(), new IOException("connection refused"));
                }
                if (request.name().equals("full")) {
                    throw new LockProviderBusyException(request.name(), new IOException("every session holds a lock"));
                }
            }
        };
    }

    static class Counters {
        final Map<String, Integer> unsynchronised = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> inside = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> maxInside = new ConcurrentHashMap<>();
        final AtomicInteger downCalls = new AtomicInteger();

        void work(String key) {
            int now = inside.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            maxInside.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            int before = unsynchronised.getOrDefault(key, 0);
            Thread.yield();
            unsynchronised.put(key, before + 1);
            inside.get(key).decrementAndGet();
        }
    }

    @RestController
    static class PaymentsController {
        private final Gate gate;

        PaymentsController(Gate gate) {
            this.gate = gate;
        }

        @PutMapping("/payments/{id}")
        @SerializedBy(value = "#id", policy = io.github.serializedby.lock.LockPolicy.FAIL_FAST)
        public String conduct(@PathVariable String id) throws InterruptedException {
            gate.pass(id);
            return "paid " + id;
        }
    }

    @RestController
    static class AccountsController {
        private final Gate gate;
        private final Counters counters;

        AccountsController(Gate gate, Counters counters) {
            this.gate = gate;
            this.counters = counters;
        }

        @PostMapping("/accounts/{id}/work")
        @SerializedBy(value = "#id", waitTimeout = "20s")
        public String work(@PathVariable String id) throws InterruptedException {
            gate.pass(id);
            counters.work(id);
            return "done " + id;
        }

        @GetMapping("/lookup")
        @SerializedBy("#key")
        public String lookup(@RequestParam(required = false) @Nullable String key) {
            return "found " + key;
        }

        @GetMapping("/down/{id}")
        @SerializedBy(value = "#id", name = "down")
        public String down(@PathVariable String id) {
            counters.downCalls.incrementAndGet();
            return "ran " + id;
        }

        @GetMapping("/full/{id}")
        @SerializedBy(value = "#id", name = "full")
        public String full(@PathVariable String id) {
            counters.downCalls.incrementAndGet();
            return "ran " + id;
        }
    }

    @RestController
    static class OwnAnswerController {
        private final Gate gate;

        OwnAnswerController(Gate gate) {
            this.gate = gate;
        }

        @PutMapping("/own/{id}")
        @SerializedBy(value = "#id", policy = io.github.serializedby.lock.LockPolicy.FAIL_FAST)
        public String own(@PathVariable String id) throws InterruptedException {
            gate.pass(id);
            return "own " + id;
        }
    }

    /** The application's own answer to contention, for one controller: it must win over the starter's. */
    @RestControllerAdvice(assignableTypes = OwnAnswerController.class)
    static class OwnAnswerAdvice {
        @ExceptionHandler
        ResponseEntity<String> busy(LockNotAcquiredException e) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).body("busy, says the application");
        }
    }
}
