package io.github.serializedby.spring.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(
        classes = IdempotencyWebTests.IdempotentApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "serialized-by.idempotency.ttl=1h")
class IdempotencyWebTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Payments payments;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void reset() {
        payments.created.set(0);
        payments.gate.set(null);
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyRunTheMethodOnceAndGetTheResultOr409() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        payments.gate.set(open);
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(post("/payments", key, "{\"amount\":50}"));
        }
        // The request that got the key holds it until the gate opens: every other one must be answered first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (requests.stream().filter(CompletableFuture::isDone).count() < 19 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        open.countDown();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> request : requests) {
            responses.add(request.get(20, TimeUnit.SECONDS));
        }

        assertThat(payments.created.get()).as("the method ran once").isEqualTo(1);
        assertThat(responses).filteredOn(r -> r.statusCode() == 201).hasSize(1);
        assertThat(responses).filteredOn(r -> r.statusCode() == 409).hasSize(19).allSatisfy(r -> {
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.body()).contains("urn:serialized-by:problem:idempotency-key-in-use");
        });
    }

    @Test
    void aRetryAfterCompletionIsReplayedExactlyWithoutRunningTheMethod() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        HttpResponse<String> retry = post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(retry.headers().firstValue("Content-Type"))
                .isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(payments.created.get()).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherPayloadGets422() throws Exception {
        String key = UUID.randomUUID().toString();
        post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        HttpResponse<String> changed = post("/payments", key, "{\"amount\":70}").get(10, TimeUnit.SECONDS);

        assertThat(changed.statusCode()).isEqualTo(422);
        assertThat(changed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(changed.body()).contains("urn:serialized-by:problem:idempotency-key-reused");
        assertThat(payments.created.get()).isEqualTo(1);
    }

    @Test
    void aMissingOrOverlongKeyGets400() throws Exception {
        HttpResponse<String> missing =
                post("/payments", null, "{\"amount\":50}").get(10, TimeUnit.SECONDS);
        HttpResponse<String> overlong =
                post("/payments", "k".repeat(256), "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("urn:serialized-by:problem:idempotency-key-invalid");
        assertThat(overlong.statusCode()).isEqualTo(400);
        assertThat(payments.created.get()).isZero();
    }

    @Test
    void aStoredResponseExpiresAfterItsTimeToLive() throws Exception {
        String key = UUID.randomUUID().toString();
        post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        clock.advance(Duration.ofMinutes(59));
        HttpResponse<String> beforeExpiry =
                post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(2));
        HttpResponse<String> afterExpiry =
                post("/payments", key, "{\"amount\":50}").get(10, TimeUnit.SECONDS);

        assertThat(beforeExpiry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(afterExpiry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(payments.created.get()).isEqualTo(2);
    }

    @Test
    void aServerErrorIsNotStoredSoTheRetryRunsAgain() throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> failed = post("/failing", key, "{}").get(10, TimeUnit.SECONDS);
        HttpResponse<String> retried = post("/failing", key, "{}").get(10, TimeUnit.SECONDS);

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(retried.statusCode()).isEqualTo(500);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(payments.failures.get()).isEqualTo(2);
    }

    @Test
    void anAsyncHandlerRunsOnceOverHttpAndItsRetryIsReplayed() throws Exception {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first =
                post("/payments-async", key, "{\"amount\":30}").get(10, TimeUnit.SECONDS);
        HttpResponse<String> retry =
                post("/payments-async", key, "{\"amount\":30}").get(10, TimeUnit.SECONDS);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.body()).contains("\"amount\":30");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(payments.created.get()).isEqualTo(1);
    }

    @Test
    void aRequestWithAKeyToAPlainEndpointIsStreamedToTheHandlerNotBuffered() throws Exception {
        int firstPart = 64 * 1024;
        int total = firstPart + 4 * 1024 * 1024;
        AtomicBoolean handlerReadTheStartFirst = new AtomicBoolean();
        // The rest of the body is only sent once the handler has read some of the start: a filter that
        // buffers the whole body first never lets the handler see any. The client may hold back the last
        // chunks it read, so the handler is not required to see all of the start. 20 s is far beyond a
        // 64 KiB local transfer.
        InputStream body = new InputStream() {
            private long position;

            @Override
            public int read() {
                throw new UnsupportedOperationException("read in chunks");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position == firstPart) {
                    try {
                        handlerReadTheStartFirst.set(payments.firstBytesRead.await(20, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                if (position == total) {
                    return -1;
                }
                int count = (int) Math.min(length, (position < firstPart ? firstPart : total) - position);
                Arrays.fill(buffer, offset, offset + count, (byte) 'x');
                position += count;
                return count;
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();

        HttpResponse<String> answer = http.send(request, BodyHandlers.ofString());

        assertThat(handlerReadTheStartFirst)
                .as("the handler read the start before the body was complete")
                .isTrue();
        assertThat(answer.body()).isEqualTo(Integer.toString(total));
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.sendAsync(request.build(), BodyHandlers.ofString());
    }

    /** A clock the test moves forward. */
    static class MutableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-23T10:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @RestController
    static class Payments {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
        final CountDownLatch firstBytesRead = new CountDownLatch(1);

        @PostMapping("/payments")
        @Idempotent
        ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> payment)
                throws InterruptedException {
            int id = created.incrementAndGet();
            CountDownLatch open = gate.get();
            if (open != null) {
                open.await(20, TimeUnit.SECONDS);
            }
            return ResponseEntity.created(URI.create("/payments/" + id))
                    .body(Map.of("id", id, "amount", payment.get("amount"), "status", "CREATED"));
        }

        @PostMapping("/payments-async")
        @Idempotent
        CompletableFuture<ResponseEntity<Map<String, Object>>> createAsync(@RequestBody Map<String, Object> payment) {
            return CompletableFuture.supplyAsync(() -> {
                int id = created.incrementAndGet();
                return ResponseEntity.created(URI.create("/payments/" + id))
                        .body(Map.of("id", id, "amount", payment.get("amount"), "status", "CREATED"));
            });
        }

        /** Not idempotent: counts the body as it streams in, telling the test once the first bytes arrived. */
        @PostMapping("/upload")
        String upload(HttpServletRequest request) throws IOException {
            long total = 0;
            try (InputStream body = request.getInputStream()) {
                byte[] chunk = new byte[8192];
                for (int read; (read = body.read(chunk)) != -1; ) {
                    total += read;
                    firstBytesRead.countDown();
                }
            }
            return Long.toString(total);
        }

        @PostMapping("/failing")
        @Idempotent
        ResponseEntity<String> fail(@RequestBody Map<String, Object> body) {
            failures.incrementAndGet();
            throw new IllegalStateException("downstream failed");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Payments.class)
    static class IdempotentApplication {
        @Bean
        MutableClock clock() {
            return new MutableClock();
        }
    }
}
