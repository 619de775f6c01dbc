package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.redis.RedisLockOptions;
import io.github.serializedby.lock.redis.RedisLockProvider;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Needs no running Redis: the provider connects lazily, and these tests only look at the wiring. */
class SerializedByRedisAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataRedisAutoConfiguration.class,
                    SerializedByRedisAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByProviderCheckAutoConfiguration.class))
            .withPropertyValues("spring.data.redis.port=1");

    @Test
    void withARedisConnectionFactoryButNoProviderNamedLocksStayInMemory() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
        });
    }

    @Test
    void whenRedisIsNamedTheRedisProviderIsUsedWithItsDefaults() {
        runner.withPropertyValues("serialized-by.provider=redis").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LockProvider.class);
            RedisLockProvider provider = context.getBean(RedisLockProvider.class);
            assertThat(context.getBean(LockExecutor.class).provider()).isSameAs(provider);
            RedisLockOptions options = provider.options();
            assertThat(options.prefix()).isEqualTo("serialized-by:");
            assertThat(options.leaseTime()).isEqualTo(Duration.ofSeconds(30));
            assertThat(options.renewEvery()).contains(Duration.ofSeconds(10));
            assertThat(options.operationTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(options.localHandOffs()).isEqualTo(16);
            assertThat(options.handOffSlice()).isEqualTo(Duration.ofMillis(10));
        });
    }

    @Test
    void bindsTheLocalHandOffBound() {
        runner.withPropertyValues(
                        "serialized-by.provider=redis",
                        "serialized-by.redis.local-hand-offs=0",
                        "serialized-by.redis.hand-off-slice=25ms")
                .run(context -> {
                    RedisLockOptions options =
                            context.getBean(RedisLockProvider.class).options();
                    assertThat(options.localHandOffs()).isZero();
                    assertThat(options.handOffSlice()).isEqualTo(Duration.ofMillis(25));
                });
    }

    @Test
    void aNegativeNumberOfLocalHandOffsFailsStartUpNamingIt() {
        runner.withPropertyValues("serialized-by.provider=redis", "serialized-by.redis.local-hand-offs=-1")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("maxHandOffs must be between 0 and 64: -1"));
    }

    @Test
    void bindsPrefixRenewalTimeoutAndTheCommonLeaseTime() {
        runner.withPropertyValues(
                        "serialized-by.provider=redis",
                        "serialized-by.lease-time=12s",
                        "serialized-by.redis.prefix=shop:locks:",
                        "serialized-by.redis.renew-every=2s",
                        "serialized-by.redis.timeout=750ms")
                .run(context -> {
                    RedisLockOptions options =
                            context.getBean(RedisLockProvider.class).options();
                    assertThat(options.prefix()).isEqualTo("shop:locks:");
                    assertThat(options.leaseTime()).isEqualTo(Duration.ofSeconds(12));
                    assertThat(options.renewEvery()).contains(Duration.ofSeconds(2));
                    assertThat(options.operationTimeout()).isEqualTo(Duration.ofMillis(750));
                });
    }

    @Test
    void whenInMemoryIsNamedRedisIsNotUsed() {
        runner.withPropertyValues("serialized-by.provider=in-memory")
                .run(context ->
                        assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class));
    }

    @Test
    void withoutARedisConnectionFactoryTheInMemoryProviderStays() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        SerializedByRedisAutoConfiguration.class, SerializedByAutoConfiguration.class))
                .run(context ->
                        assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class));
    }

    @Test
    void withoutLockRedisOnTheClassPathTheInMemoryProviderStays() {
        runner.withClassLoader(new FilteredClassLoader(RedisLockProvider.class))
                .run(context ->
                        assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class));
    }

    @Test
    void whenRedisIsNamedButLockRedisIsMissingStartUpFails() {
        runner.withPropertyValues("serialized-by.provider=redis")
                .withClassLoader(new FilteredClassLoader(RedisLockProvider.class))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining(
                                "serialized-by.provider=redis, but the in-memory lock provider would be used"));
    }

    @Test
    void whenRedisIsNamedButNoConnectionFactoryExistsStartUpFails() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        SerializedByRedisAutoConfiguration.class,
                        SerializedByAutoConfiguration.class,
                        SerializedByProviderCheckAutoConfiguration.class))
                .withPropertyValues("serialized-by.provider=redis")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining(
                                "serialized-by.provider=redis, but the in-memory lock provider would be used"));
    }

    @Test
    void whenRedisIsNamedAnApplicationProviderStillWins() {
        runner.withPropertyValues("serialized-by.provider=redis")
                .withClassLoader(new FilteredClassLoader(RedisLockProvider.class))
                .withBean("ownProvider", LockProvider.class, () -> new LockProvider() {
                    @Override
                    public Optional<Lease> tryAcquire(LockRequest request) {
                        return Optional.empty();
                    }

                    @Override
                    public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                        return CompletableFuture.completedFuture(Optional.empty());
                    }
                })
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void whenProviderBeanDefinedRedisAutoConfigurationBacksOff() {
        runner.withUserConfiguration(OwnProviderConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(LockProvider.class);
            assertThat(context.getBean(LockProvider.class)).isSameAs(OwnProviderConfiguration.PROVIDER);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProviderConfiguration {

        static final LockProvider PROVIDER = new InMemoryLockProvider();

        @Bean
        LockProvider ownProvider() {
            return PROVIDER;
        }
    }
}
