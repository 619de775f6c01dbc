package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A locked {@code Mono} method that emits to a hot sink while it holds its key: the sink's subscriber runs
 * on the same thread during that emission, but it is another pipeline, so a locked reactive call it makes
 * on the same key waits for the holder instead of re-entering its lease.
 */
class HotSinkSubscriberTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withBean(Orders.class);

    @Test
    void aSubscriberLockingTheSameKeyWaitsForTheEmittingHolder() {
        runner.run(context -> {
            Orders orders = context.getBean(Orders.class);
            Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
            List<String> overlaps = new CopyOnWriteArrayList<>();
            CountDownLatch audited = new CountDownLatch(1);
            events.asFlux()
                    .flatMap(id -> orders.audit(id, overlaps).doOnSuccess(done -> audited.countDown()))
                    .subscribe();

            orders.update("42", events).block(BOUND);

            assertThat(audited.await(10, TimeUnit.SECONDS)).as("audit ran").isTrue();
            assertThat(overlaps)
                    .as("audits that ran while update held order 42")
                    .isEmpty();
            assertKeyFree(context.getBean(LockProvider.class), "42");
        });
    }

    @Test
    void aSubscriberLockingAnotherKeyRunsDuringTheEmission() {
        runner.run(context -> {
            Orders orders = context.getBean(Orders.class);
            Sinks.Many<String> events = Sinks.many().multicast().directBestEffort();
            List<String> overlaps = new CopyOnWriteArrayList<>();
            events.asFlux().flatMap(id -> orders.audit(id + "-audit", overlaps)).subscribe();

            orders.update("43", events).block(BOUND);

            assertThat(overlaps).containsExactly("43-audit");
            assertKeyFree(context.getBean(LockProvider.class), "43");
            assertKeyFree(context.getBean(LockProvider.class), "43-audit");
        });
    }

    private static void assertKeyFree(LockProvider provider, String key) {
        provider.tryAcquire(LockRequest.exclusive("order", key)).orElseThrow().release();
    }

    static class Orders {

        private final AtomicBoolean inUpdate = new AtomicBoolean();

        /** Publishes "order changed" while it holds the order. */
        @SerializedBy(value = "#id", name = "order")
        public Mono<Void> update(String id, Sinks.Many<String> events) {
            return Mono.fromRunnable(() -> {
                inUpdate.set(true);
                events.tryEmitNext(id);
                inUpdate.set(false);
            });
        }

        /** Records {@code id} in {@code overlaps} when it runs inside an update. */
        @SerializedBy(value = "#id", name = "order")
        public Mono<Void> audit(String id, List<String> overlaps) {
            return Mono.fromRunnable(() -> {
                if (inUpdate.get()) {
                    overlaps.add(id);
                }
            });
        }
    }
}
