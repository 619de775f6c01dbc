package io.github.serializedby.spring.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.spring.HeldLocksContext;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The call's leases and tokens reach the method without plumbing, for every kind of method. */
class LeasesInScopeTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withUserConfiguration(Services.class);

    @Test
    void aSynchronousMethodGetsItsLeaseAsParameterAndOnItsThread() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            Seen first = accounts.sync("a1", null);
            Seen second = accounts.sync("a1", null);

            assertThat(first.parameter.request().key()).isEqualTo("a1");
            assertThat(first.onThread.lease("a1")).isSameAs(first.parameter);
            assertThat(second.parameter.fencingToken()).isGreaterThan(first.parameter.fencingToken());
            assertThat(HeldLocks.current().isEmpty()).isTrue();
        });
    }

    @Test
    void aSynchronousMethodOnAVirtualThreadSeesItsLease() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 or newer");
        ExecutorService threads = (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            runner.run(context -> {
                Accounts accounts = context.getBean(Accounts.class);

                Seen seen = threads.submit(() -> accounts.sync("v1", null)).get(30, TimeUnit.SECONDS);

                assertThat(seen.onThread.lease("v1")).isSameAs(seen.parameter);
            });
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aCompletableFutureMethodPassesItsParameterToAContinuationOnAnotherThread() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            Seen seen = accounts.async("a2", null).get(30, TimeUnit.SECONDS);

            assertThat(seen.parameter.request().key()).isEqualTo("a2");
            assertThat(seen.onThread.isEmpty())
                    .as("the continuation's thread holds nothing")
                    .isTrue();
        });
    }

    @Test
    void aMonoReadsItsLeasesFromTheContextAcrossThreads() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            Seen seen = accounts.mono("a3", null).block(TIMEOUT);

            assertThat(seen).isNotNull();
            assertThat(seen.onThread.lease("a3")).isSameAs(seen.parameter);
            assertThat(HeldLocksContext.current().block(TIMEOUT)).isEqualTo(HeldLocks.of(List.of()));
        });
    }

    @Test
    void aFluxReadsTheSameTokenForEveryElement() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            List<Long> tokens = accounts.flux("a4").collectList().block(TIMEOUT);

            assertThat(tokens).hasSize(3).containsOnly(tokens.get(0));
        });
    }

    @Test
    void aNestedCallThatReentersTheKeySeesTheSameLease() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            Lease[] outerAndInner = accounts.outer("a5", null);
            Lease[] reactive = accounts.outerMono("a6", null).block(TIMEOUT);

            assertThat(outerAndInner[1]).isSameAs(outerAndInner[0]);
            assertThat(reactive).isNotNull();
            assertThat(reactive[1]).isSameAs(reactive[0]);
        });
    }

    @Test
    void aMultiKeyCallHasOneTokenPerKey() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);

            HeldLocks held = accounts.transfer("b", "a", null);

            assertThat(held.leases()).extracting(lease -> lease.request().key()).containsExactly("a", "b");
            assertThat(held.token("a")).isNotEqualTo(held.token("b"));
            assertThat(held.lease("a").request().name()).isEqualTo("account");
        });
    }

    @Test
    void aLeaseParameterWithSeveralKeyExpressionsFailsTheStart() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
                .withBean(Ambiguous.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessageContaining("Ambiguous.transfer(String, String, Lease)")
                        .hasMessageContaining("declare HeldLocks"));
    }

    /** What a method saw: its lease parameter and what its thread (or context) held. */
    record Seen(Lease parameter, HeldLocks onThread) {}

    static class Accounts {

        private final Inner inner;
        private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();

        Accounts(Inner inner) {
            this.inner = inner;
        }

        @SerializedBy(value = "#id", name = "account")
        public Seen sync(String id, @Nullable Lease lease) {
            return new Seen(lease, HeldLocks.current());
        }

        @SerializedBy(value = "#id", name = "account")
        public CompletableFuture<Seen> async(String id, @Nullable Lease lease) {
            return CompletableFuture.supplyAsync(() -> new Seen(lease, HeldLocks.current()), elsewhere);
        }

        @SerializedBy(value = "#id", name = "account")
        public Mono<Seen> mono(String id, @Nullable Lease lease) {
            return Mono.delay(Duration.ofMillis(1))
                    .publishOn(Schedulers.parallel())
                    .then(HeldLocksContext.current())
                    .map(held -> new Seen(lease, held));
        }

        @SerializedBy(value = "#id", name = "account")
        public Flux<Long> flux(String id) {
            return Flux.range(0, 3)
                    .publishOn(Schedulers.parallel())
                    .concatMap(i -> HeldLocksContext.current().map(held -> held.token(id)));
        }

        @SerializedBy(value = "#id", name = "account")
        public Lease[] outer(String id, @Nullable Lease lease) {
            return new Lease[] {lease, inner.sync(id, null)};
        }

        @SerializedBy(value = "#id", name = "account")
        public Mono<Lease[]> outerMono(String id, @Nullable Lease lease) {
            return inner.mono(id, null).map(innerLease -> new Lease[] {lease, innerLease});
        }

        @SerializedBy(
                value = {"#from", "#to"},
                name = "account")
        public HeldLocks transfer(String from, String to, @Nullable HeldLocks held) {
            return held;
        }
    }

    static class Inner {

        @SerializedBy(value = "#id", name = "account")
        public Lease sync(String id, @Nullable Lease lease) {
            return lease;
        }

        @SerializedBy(value = "#id", name = "account")
        public Mono<Lease> mono(String id, @Nullable Lease lease) {
            return Mono.fromSupplier(() -> lease).subscribeOn(Schedulers.boundedElastic());
        }
    }

    static class Ambiguous {

        @SerializedBy(value = {"#from", "#to"})
        public void transfer(String from, String to, @Nullable Lease lease) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class Services {

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Accounts accounts(Inner inner) {
            return new Accounts(inner);
        }
    }
}
