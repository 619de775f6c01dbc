package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.spring.SerializedBy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A locked WebFlux handler of a controller that loads model attributes is locked for the whole request:
 * the model is loaded under the lock, so a check-then-save on it cannot let duplicates through (the
 * petclinic "add a pet" trap). Handlers that return a plain value keep their own lock.
 */
@SpringBootTest(
        classes = WebFluxRequestLockTests.Application.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=reactive")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebFluxRequestLockTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    Owners owners;

    @Autowired
    LockProvider provider;

    @Autowired
    HttpHandler httpHandler;

    @BeforeEach
    void forget() {
        owners.clear();
    }

    @Test
    void theModelIsLoadedUnderTheRequestsLock() throws Exception {
        HttpResponse<String> added = send("/owners/1/pets?name=Leo");

        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(owners.loadedUnderLock).containsExactly(true);
        assertNothingHeld();
    }

    @Test
    void twentyConcurrentAddsOfOnePetCreateItOnceAndAnswerTheRestWithTheFormError() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(sendAsync("/owners/7/pets?name=Basil"));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            statuses.add(call.get(60, TimeUnit.SECONDS).statusCode());
        }

        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        assertThat(statuses).filteredOn(status -> status == 422).hasSize(19);
        assertThat(owners.pets(7)).containsExactly("Basil");
        assertNothingHeld();
    }

    @Test
    void aHeldKeyIsAnsweredWith409BeforeTheModelIsLoaded() throws Exception {
        Lease held = provider.tryAcquire(LockRequest.exclusive("pets", "2")).orElseThrow();
        HttpResponse<String> refused;
        try {
            refused = send("/owners/2/visits");
        } finally {
            held.release();
        }

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("urn:serialized-by:problem:lock-conflict");
        assertThat(owners.loadedUnderLock).isEmpty();
        assertNothingHeld();
    }

    @Test
    void theRequestKeepsItsKeyUntilTheHandlersMonoCompletes() throws Exception {
        CompletableFuture<HttpResponse<String>> first = sendAsync("/owners/5/later");
        assertThat(owners.laterStarted.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> second = send("/owners/5/visits");
        owners.laterGate.complete("done");

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
        assertNothingHeld();
    }

    @Test
    void theRequestsLockIsReleasedWhenTheHandlerFails() throws Exception {
        HttpResponse<String> failed = send("/owners/3/fail");

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(owners.loadedUnderLock).containsExactly(true);
        assertNothingHeld();
    }

    @Test
    void aKeyTheRequestCannotGiveIsLeftToWebFluxAndTheHandlersLock() throws Exception {
        HttpResponse<String> notANumber = send("/owners/abc/pets?name=Leo");

        assertThat(notANumber.statusCode()).isEqualTo(400);
        assertThat(owners.loadedUnderLock).isEmpty();
        assertNothingHeld();
    }

    @Test
    void aHandlerReturningAPlainValueKeepsItsOwnLock() throws Exception {
        HttpResponse<String> added = send("/plain/4/pets?name=Leo");

        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(owners.loadedUnderLock).containsExactly(false);
        assertNothingHeld();
    }

    /**
     * A request cancelled (its client gone) just as its lock is granted: whichever comes first, the key is free
     * again. A request whose cancellation came too late may still hold it briefly when the next round starts.
     */
    @Test
    void aRequestCancelledAsItsLockIsGrantedLeavesTheKeyFree() throws Exception {
        LockRequest key = LockRequest.exclusive("pets", "9");
        for (int i = 0; i < 1_000; i++) {
            Lease holder = provider.acquireBlocking(key, Duration.ofSeconds(10)).orElseThrow();
            CompletableFuture<Void> request = httpHandler
                    .handle(
                            MockServerHttpRequest.post("/owners/9/pets?name=Leo" + i)
                                    .build(),
                            new MockServerHttpResponse())
                    .subscribeOn(Schedulers.parallel())
                    .toFuture();

            CompletableFuture<Void> grant = CompletableFuture.runAsync(holder::release);
            request.cancel(false);
            grant.get(10, TimeUnit.SECONDS);

            Optional<Lease> free = provider.acquireBlocking(key, Duration.ofSeconds(10));
            assertThat(free).as("key free after round %d", i).isPresent();
            free.get().release();
        }
    }

    /** The request's lock is released after the response is written, so it may outlive the answer briefly. */
    private void assertNothingHeld() {
        InMemoryLockProvider memory = (InMemoryLockProvider) provider;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (memory.activeKeyCount() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(memory.activeKeyCount()).isZero();
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(request(path), BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path) {
        return http.sendAsync(request(path), BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    /** An owner as a form handler sees it: a copy of the pets loaded before the handler runs. */
    record Owner(long id, List<String> pets) {}

    /** The owners' pets, and whether each model was loaded while its key was held. */
    static class Owners {

        final List<Boolean> loadedUnderLock = new CopyOnWriteArrayList<>();
        volatile CountDownLatch laterStarted = new CountDownLatch(1);
        volatile CompletableFuture<String> laterGate = new CompletableFuture<>();
        private final Map<Long, List<String>> pets = new ConcurrentHashMap<>();
        private final LockProvider provider;

        Owners(LockProvider provider) {
            this.provider = provider;
        }

        void clear() {
            pets.clear();
            loadedUnderLock.clear();
            laterStarted = new CountDownLatch(1);
            laterGate = new CompletableFuture<>();
        }

        /** Loads an owner, noting whether its key was held then (a free key is taken and given back at once). */
        Owner load(String lockName, long id) {
            Optional<Lease> free = provider.tryAcquire(LockRequest.exclusive(lockName, String.valueOf(id)));
            free.ifPresent(Lease::release);
            loadedUnderLock.add(free.isEmpty());
            return new Owner(id, List.copyOf(pets(id)));
        }

        List<String> pets(long id) {
            return pets.computeIfAbsent(id, any -> new CopyOnWriteArrayList<>());
        }
    }

    @Controller
    static class PetController {

        private final Owners owners;

        PetController(Owners owners) {
            this.owners = owners;
        }

        @ModelAttribute("owner")
        public Owner findOwner(@PathVariable long ownerId) {
            return owners.load("pets", ownerId);
        }

        @PostMapping("/owners/{ownerId}/pets")
        @SerializedBy(value = "#ownerId", name = "pets", waitTimeout = "60s")
        public Mono<ResponseEntity<String>> addPet(
                @PathVariable long ownerId, @ModelAttribute("owner") Owner owner, @RequestParam String name) {
            return Mono.fromCallable(() -> {
                        if (owner.pets().contains(name)) {
                            return ResponseEntity.unprocessableEntity()
                                    .body("owner " + ownerId + " already has " + name);
                        }
                        owners.pets(ownerId).add(name);
                        return ResponseEntity.status(201).body("added " + name);
                    })
                    .subscribeOn(Schedulers.boundedElastic());
        }

        @PostMapping("/owners/{ownerId}/visits")
        @SerializedBy(value = "#ownerId", name = "pets", policy = LockPolicy.FAIL_FAST)
        public Mono<ResponseEntity<String>> addVisit(@PathVariable long ownerId, @ModelAttribute("owner") Owner owner) {
            return Mono.just(ResponseEntity.status(201).body("visit of " + owner.id()));
        }

        @PostMapping("/owners/{ownerId}/later")
        @SerializedBy(value = "#ownerId", name = "pets", policy = LockPolicy.FAIL_FAST)
        public Mono<ResponseEntity<String>> visitLater(
                @PathVariable long ownerId, @ModelAttribute("owner") Owner owner) {
            return Mono.fromFuture(() -> {
                        owners.laterStarted.countDown();
                        return owners.laterGate;
                    })
                    .map(done -> ResponseEntity.status(201).body("visit of " + owner.id()));
        }

        @PostMapping("/owners/{ownerId}/fail")
        @SerializedBy(value = "#ownerId", name = "pets")
        public Mono<ResponseEntity<String>> fail(@PathVariable long ownerId, @ModelAttribute("owner") Owner owner) {
            return Mono.error(new IllegalStateException("the handler failed for " + ownerId));
        }
    }

    @Controller
    static class PlainValueController {

        private final Owners owners;

        PlainValueController(Owners owners) {
            this.owners = owners;
        }

        @ModelAttribute("owner")
        public Owner findOwner(@PathVariable long ownerId) {
            return owners.load("plain", ownerId);
        }

        @PostMapping("/plain/{ownerId}/pets")
        @SerializedBy(value = "#ownerId", name = "plain")
        public ResponseEntity<String> addPet(
                @PathVariable long ownerId, @ModelAttribute("owner") Owner owner, @RequestParam String name) {
            owners.pets(ownerId).add(name);
            return ResponseEntity.status(201).body("added " + name);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({PetController.class, PlainValueController.class})
    static class Application {

        @Bean
        LockProvider lockProvider() {
            return new InMemoryLockProvider();
        }

        @Bean
        Owners owners(LockProvider lockProvider) {
            return new Owners(lockProvider);
        }
    }
}
