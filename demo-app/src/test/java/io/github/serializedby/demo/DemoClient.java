package io.github.serializedby.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to the demo over real HTTP; {@link #together} fires requests at once. */
public final class DemoClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final HttpClient client;

    public DemoClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpRequest get(String path) {
        return request(path).GET().build();
    }

    public HttpRequest post(String path, String json) {
        return request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    public HttpRequest post(String path, String json, String idempotencyKey) {
        return request(path)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    public HttpRequest put(String path) {
        return request(path).PUT(HttpRequest.BodyPublishers.noBody()).build();
    }

    public Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(request + " interrupted", e);
        }
    }

    /** Sends the request on another thread. */
    public CompletableFuture<Answer> sendLater(HttpRequest request) {
        return CompletableFuture.supplyAsync(() -> send(request));
    }

    /** Sends {@code count} copies of a request at once; see {@link #together(List)}. */
    public List<Answer> together(int count, HttpRequest request) {
        return together(IntStream.range(0, count).mapToObj(i -> request).toList());
    }

    /**
     * Sends every request at once: each on a thread of its own, all waiting on one latch that is released
     * when every thread is ready. Answers come in the order of the requests.
     */
    public List<Answer> together(List<HttpRequest> requests) {
        ExecutorService threads = Executors.newFixedThreadPool(requests.size());
        try {
            CountDownLatch ready = new CountDownLatch(requests.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> futures = new ArrayList<>();
            for (HttpRequest request : requests) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    if (!go.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    return send(request);
                }));
            }
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("request threads did not start");
            }
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> future : futures) {
                answers.add(future.get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
            }
            return answers;
        } catch (Exception e) {
            throw new IllegalStateException("Concurrent requests failed", e);
        } finally {
            threads.shutdownNow();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    }

    /** One HTTP answer. */
    public record Answer(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public long number(String field) {
            JsonNode value = json().get(field);
            if (value == null || !value.isNumber()) {
                throw new IllegalStateException("No number '" + field + "' in " + body);
            }
            return value.asLong();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
