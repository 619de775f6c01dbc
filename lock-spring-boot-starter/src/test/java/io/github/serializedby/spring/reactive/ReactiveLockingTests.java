package io.github.serializedby.spring.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.NonBlockingThreads;
import io.github.serializedby.spring.LockKeyEvaluationException;
import io.github.serializedby.spring.NullLockKeyException;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class ReactiveLockingTests {

    /** Long queues are what these tests are about, so the waiting bounds are raised above them. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withUserConfiguration(PaymentsConfiguration.class)
            .withPropertyValues(
                    "serialized-by.max-waiters=5000",
                    "serialized-by.max-lock-waiters=5000",
                    "serialized-by.max-waiting=5000");

    @Test
    void monoExecutionsOnOneKeyNeverOverlap() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Tally tally = context.getBean(Tally.class);

            Flux.range(0, 200).flatMap(i -> payments.conduct("p-1"), 200).then().block(Duration.ofSeconds(30));

            assertThat(tally.overlaps.get()).isZero();
            assertThat(tally.counter).isEqualTo(200);
            assertThat(tally.released.get()).isEqualTo(200);
        });
    }

    /**
     * Each subscriber's Mono completes on the thread that granted it the lock and releases it there,
     * handing the key to the next subscriber: a chain as long as the queue, which must not overflow the
     * stack nor leave the key held.
     */
    @Test
    void twoThousandQueuedSubscribersCompletingInPlaceAreAllServedAndNothingStaysHeld() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Tally tally = context.getBean(Tally.class);
            LockProvider provider = context.getBean(LockProvider.class);
            int subscribers = 2_000;
            Sinks.One<String> holderResult = Sinks.one();
            Disposable holder = payments.hold("p-9", holderResult.asMono()).subscribe();

            CompletableFuture<Long> all = Flux.range(0, subscribers)
                    .flatMap(i -> payments.conductInPlace("p-9"), subscribers)
                    .count()
                    .toFuture();
            assertThat(all).isNotDone();
            holderResult.tryEmitValue("first");

            assertThat(all.get(30, TimeUnit.SECONDS)).isEqualTo(subscribers);
            assertThat(tally.overlaps.get()).isZero();
            assertThat(tally.counter).isEqualTo(subscribers);
            provider.tryAcquire(LockRequest.exclusive("payments", "p-9"))
                    .orElseThrow()
                    .release();
            holder.dispose();
        });
    }

    @Test
    void aRefusedKeyIsSignalledAsTheErrorOfTheMonoOrFlux() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            LockProvider provider = context.getBean(LockProvider.class);
            String tooLong = "k".repeat(LockRequest.MAX_KEY_LENGTH + 1);

            Mono<String> missing = payments.conduct(null);
            Mono<String> overlong = payments.conduct(tooLong);
            Flux<String> malformed = payments.statements("\ud800");
            Mono<String> tooMany = payments.conductAll(IntStream.rangeClosed(0, LockExecutor.DEFAULT_MAX_KEYS_PER_CALL)
                    .mapToObj(i -> "p-" + i)
                    .toList());

            StepVerifier.create(missing).expectError(NullLockKeyException.class).verify(Duration.ofSeconds(10));
            StepVerifier.create(overlong)
                    .expectError(InvalidLockKeyException.class)
                    .verify(Duration.ofSeconds(10));
            StepVerifier.create(malformed)
                    .expectError(InvalidLockKeyException.class)
                    .verify(Duration.ofSeconds(10));
            StepVerifier.create(payments.conductByReference("not-a-uuid"))
                    .expectError(IllegalArgumentException.class)
                    .verify(Duration.ofSeconds(10));
            StepVerifier.create(payments.conductByMissingProperty("p-1"))
                    .expectError(LockKeyEvaluationException.class)
                    .verify(Duration.ofSeconds(10));
            StepVerifier.create(tooMany)
                    .expectErrorSatisfies(e -> assertThat(e)
                            .isInstanceOf(InvalidLockKeyException.class)
                            .hasMessageContaining("more than the " + LockExecutor.DEFAULT_MAX_KEYS_PER_CALL))
                    .verify(Duration.ofSeconds(10));
            assertThat(((InMemoryLockProvider) provider).activeKeyCount()).isZero();
        });
    }

    @Test
    void aWaitingSubscriberBlocksNoThreadAndRunsAfterTheHolderCompletes() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Sinks.One<String> holderResult = Sinks.one();
            Mono<String> holder = payments.hold("p-2", holderResult.asMono());
            Mono<String> waiter = payments.hold("p-2", Mono.just("second"));

            Disposable held = holder.subscribe();
            CompletableFuture<String> second = waiter.toFuture();

            assertThat(second).isNotDone();
            holderResult.tryEmitValue("first");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("second");
            held.dispose();
        });
    }

    @Test
    void cancellationAndErrorsReleaseExactlyOnce() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Tally tally = context.getBean(Tally.class);
            LockProvider provider = context.getBean(LockProvider.class);

            Disposable cancelled = payments.hold("p-3", Mono.never()).subscribe();
            assertThat(provider.tryAcquire(LockRequest.exclusive("payments", "p-3")))
                    .isEmpty();
            cancelled.dispose();
            StepVerifier.create(payments.hold("p-3", Mono.error(new IllegalStateException("declined"))))
                    .expectErrorMessage("declined")
                    .verify(Duration.ofSeconds(10));

            assertThat(tally.released.get()).isEqualTo(2);
            provider.tryAcquire(LockRequest.exclusive("payments", "p-3"))
                    .orElseThrow()
                    .release();
        });
    }

    /**
     * A subscriber that cancels just as the lock is granted: whichever comes first, the key is free again
     * (Reactor's usingWhen loses a resource that reaches it while its subscriber cancels).
     */
    @Test
    void aSubscriberCancellingAsTheLockIsGrantedLeavesTheKeyFree() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            LockProvider provider = context.getBean(LockProvider.class);

            for (int i = 0; i < 1_000; i++) {
                Sinks.One<String> holderResult = Sinks.one();
                CompletableFuture<String> holder =
                        payments.hold("p-11", holderResult.asMono()).toFuture();
                CompletableFuture<?> waiter = i % 2 == 0
                        ? payments.hold("p-11", Mono.just("second"))
                                .subscribeOn(Schedulers.parallel())
                                .toFuture()
                        : payments.holdMany("p-11", Flux.just("second"))
                                .subscribeOn(Schedulers.parallel())
                                .collectList()
                                .toFuture();

                CompletableFuture<Void> grant = CompletableFuture.runAsync(() -> holderResult.tryEmitValue("first"));
                waiter.cancel(false);
                grant.get(10, TimeUnit.SECONDS);
                holder.get(10, TimeUnit.SECONDS);

                Optional<Lease> free =
                        provider.acquireBlocking(LockRequest.exclusive("payments", "p-11"), Duration.ofSeconds(10));
                assertThat(free).as("key free after round %d", i).isPresent();
                free.get().release();
            }
        });
    }

    @Test
    void aFailFastSubscriberIsRefusedWhileTheKeyIsHeld() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Disposable held = payments.hold("p-4", Mono.never()).subscribe();

            StepVerifier.create(payments.tryConduct("p-4"))
                    .expectError(LockNotAcquiredException.class)
                    .verify(Duration.ofSeconds(10));
            held.dispose();
            StepVerifier.create(payments.tryConduct("p-4"))
                    .expectNext("paid p-4")
                    .verifyComplete();
        });
    }

    @Test
    void aFluxHoldsTheLockUntilItCompletes() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            LockProvider provider = context.getBean(LockProvider.class);
            AtomicInteger heldDuringEmission = new AtomicInteger();

            StepVerifier.create(payments.statements("p-5")
                            .doOnNext(line -> provider.tryAcquire(LockRequest.exclusive("payments", "p-5"))
                                    .ifPresentOrElse(lease -> lease.release(), heldDuringEmission::incrementAndGet)))
                    .expectNext("line 1", "line 2", "line 3")
                    .verifyComplete();

            assertThat(heldDuringEmission.get()).isEqualTo(3);
            provider.tryAcquire(LockRequest.exclusive("payments", "p-5"))
                    .orElseThrow()
                    .release();
        });
    }

    @Test
    void aNestedLockedCallInTheSameChainReentersThroughTheContext() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);

            StepVerifier.create(payments.conductThenAudit("p-6"))
                    .expectNext("audited p-6")
                    .verifyComplete();
        });
    }

    @Test
    void aCompletableFutureHoldsTheLockUntilItCompletes() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            LockProvider provider = context.getBean(LockProvider.class);
            CompletableFuture<String> work = new CompletableFuture<>();

            CompletableFuture<String> result = payments.later("p-7", work);

            assertThat(provider.tryAcquire(LockRequest.exclusive("payments", "p-7")))
                    .isEmpty();
            work.complete("done");
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            provider.tryAcquire(LockRequest.exclusive("payments", "p-7"))
                    .orElseThrow()
                    .release();
        });
    }

    /**
     * A provider's release may block (JDBC waits for its database, Redis for its reply), so a chain that
     * ends on a thread that must not block releases on the bounded elastic scheduler instead.
     */
    @Test
    void aChainEndingOnANonBlockingThreadReleasesOffThatThread() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            Tally tally = context.getBean(Tally.class);
            LockProvider provider = context.getBean(LockProvider.class);

            for (int i = 0; i < 20; i++) {
                assertThat(payments.conduct("p-8").block(Duration.ofSeconds(10)))
                        .isEqualTo("paid p-8");
                provider.tryAcquire(LockRequest.exclusive("payments", "p-8"))
                        .orElseThrow()
                        .release();
            }

            assertThat(tally.released).hasValue(20);
            assertThat(tally.releasedOnNonBlockingThread).hasValue(0);
        });
    }

    static class Tally {
        final AtomicInteger releasedOnNonBlockingThread = new AtomicInteger();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        int counter;
    }

    public static class Audit {
        @SerializedBy(value = "#id", name = "payments")
        public Mono<String> audit(String id) {
            return Mono.just("audited " + id);
        }
    }

    public static class Payments {
        private final Tally tally;
        private final Audit audit;

        Payments(Tally tally, Audit audit) {
            this.tally = tally;
            this.audit = audit;
        }

        @SerializedBy(value = "#id", name = "payments", waitTimeout = "30s")
        public Mono<String> conduct(@Nullable String id) {
            return Mono.fromCallable(() -> {
                        if (tally.inside.incrementAndGet() > 1) {
                            tally.overlaps.incrementAndGet();
                        }
                        return tally.counter;
                    })
                    .publishOn(Schedulers.parallel())
                    .map(before -> {
                        tally.counter = before + 1;
                        tally.inside.decrementAndGet();
                        return "paid " + id;
                    });
        }

        @SerializedBy(value = "T(java.util.UUID).fromString(#reference)", name = "payments")
        public Mono<String> conductByReference(String reference) {
            return Mono.just("conducted " + reference);
        }

        @SerializedBy(value = "#reference.noSuchProperty", name = "payments")
        public Mono<String> conductByMissingProperty(String reference) {
            return Mono.just("conducted " + reference);
        }

        @SerializedBy(value = "#ids", name = "payments")
        public Mono<String> conductAll(List<String> ids) {
            return Mono.just("conducted " + ids.size());
        }

        /** Runs on the subscribing thread, so its lock is released on the thread that granted it. */
        @SerializedBy(value = "#id", name = "payments", waitTimeout = "30s")
        public Mono<String> conductInPlace(String id) {
            return Mono.fromCallable(() -> {
                if (tally.inside.incrementAndGet() > 1) {
                    tally.overlaps.incrementAndGet();
                }
                tally.counter++;
                tally.inside.decrementAndGet();
                return "paid " + id;
            });
        }

        @SerializedBy(value = "#id", name = "payments", waitTimeout = "30s")
        public Mono<String> hold(String id, Mono<String> result) {
            return result;
        }

        @SerializedBy(value = "#id", name = "payments", waitTimeout = "30s")
        public Flux<String> holdMany(String id, Flux<String> result) {
            return result;
        }

        @SerializedBy(value = "#id", name = "payments", policy = LockPolicy.FAIL_FAST)
        public Mono<String> tryConduct(String id) {
            return Mono.just("paid " + id);
        }

        @SerializedBy(value = "#id", name = "payments")
        public Flux<String> statements(String id) {
            return Flux.just("line 1", "line 2", "line 3");
        }

        @SerializedBy(value = "#id", name = "payments", policy = LockPolicy.FAIL_FAST)
        public Mono<String> conductThenAudit(String id) {
            return Mono.just(id).flatMap(audit::audit);
        }

        @SerializedBy(value = "#id", name = "payments", policy = LockPolicy.FAIL_FAST)
        public CompletableFuture<String> later(String id, CompletableFuture<String> work) {
            return work;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PaymentsConfiguration {
        @Bean
        Tally tally() {
            return new Tally();
        }

        @Bean
        Audit audit() {
            return new Audit();
        }

        @Bean
        Payments payments(Tally tally, Audit audit) {
            return new Payments(tally, audit);
        }

        @Bean
        LockListener releaseCounter(Tally tally) {
            return new LockListener() {
                @Override
                public void released(LockRequest request, Duration held) {
                    tally.released.incrementAndGet();
                    if (NonBlockingThreads.isCurrentThreadNonBlocking()) {
                        tally.releasedOnNonBlockingThread.incrementAndGet();
                    }
                }
            };
        }
    }
}
