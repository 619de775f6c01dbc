package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * A synchronous and an asynchronous locked call on the same key, one inside the other on the same thread:
 * the inner one re-enters the outer one's lease in either direction instead of waiting for its own key.
 */
class MixedReentryTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withUserConfiguration(LedgerConfiguration.class);

    @Test
    void aMonoAwaitedInsideASynchronousCallReentersItsLease() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);

            assertThat(outer.awaitingMono("a-1")).isEqualTo("mono a-1");
            assertKeyFree(context.getBean(LockProvider.class), "a-1");
        });
    }

    @Test
    void aFutureAwaitedInsideASynchronousCallReentersItsLease() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);

            assertThat(outer.awaitingFuture("a-2")).isEqualTo("future a-2");
            assertKeyFree(context.getBean(LockProvider.class), "a-2");
        });
    }

    @Test
    void aSynchronousCallInsideAMonoReentersItsLease() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);

            assertThat(outer.monoCallingBlocking("a-3").block(BOUND)).isEqualTo("blocking a-3");
            assertThat(outer.monoSubscribingBlocking("a-4").block(BOUND)).isEqualTo("blocking a-4");
            assertKeyFree(context.getBean(LockProvider.class), "a-3");
            assertKeyFree(context.getBean(LockProvider.class), "a-4");
        });
    }

    @Test
    void aSynchronousCallInsideAFutureReentersItsLease() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);

            assertThat(outer.futureCallingBlocking("a-5").get(10, TimeUnit.SECONDS))
                    .isEqualTo("blocking a-5");
            assertKeyFree(context.getBean(LockProvider.class), "a-5");
        });
    }

    private static void assertKeyFree(LockProvider provider, String key) {
        provider.tryAcquire(LockRequest.exclusive("ledger", key)).orElseThrow().release();
    }

    /** The inner calls; they wait for a held key, so one that waited for its own would not return soon. */
    public static class Inner {

        @SerializedBy(value = "#id", name = "ledger", waitTimeout = "5s")
        public String blocking(String id) {
            return "blocking " + id;
        }

        @SerializedBy(value = "#id", name = "ledger", waitTimeout = "5s")
        public Mono<String> mono(String id) {
            return Mono.just("mono " + id);
        }

        @SerializedBy(value = "#id", name = "ledger", waitTimeout = "5s")
        public CompletableFuture<String> future(String id) {
            return CompletableFuture.completedFuture("future " + id);
        }
    }

    public static class Outer {

        private final Inner inner;

        Outer(Inner inner) {
            this.inner = inner;
        }

        @SerializedBy(value = "#id", name = "ledger")
        public String awaitingMono(String id) {
            return inner.mono(id).block(BOUND);
        }

        @SerializedBy(value = "#id", name = "ledger")
        public String awaitingFuture(String id) {
            return inner.future(id).join();
        }

        @SerializedBy(value = "#id", name = "ledger")
        public Mono<String> monoCallingBlocking(String id) {
            return Mono.just(inner.blocking(id));
        }

        @SerializedBy(value = "#id", name = "ledger")
        public Mono<String> monoSubscribingBlocking(String id) {
            return Mono.fromCallable(() -> inner.blocking(id));
        }

        @SerializedBy(value = "#id", name = "ledger")
        public CompletableFuture<String> futureCallingBlocking(String id) {
            return CompletableFuture.completedFuture(inner.blocking(id));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LedgerConfiguration {

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Outer outer(Inner inner) {
            return new Outer(inner);
        }
    }
}
