package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.InMemoryIdempotencyStore;
import io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.ForwardingLockProvider;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import io.github.serializedby.spring.aop.LockSettings;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.SerializedByAdvisor;
import io.github.serializedby.spring.web.LockErrorViewAdvice;
import io.github.serializedby.spring.web.LockProblemDetailsAdvice;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class SerializedByAutoConfigurationTests {

    private static final WaitLimits DEFAULT_LIMITS = new WaitLimits(50, 100, false);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withPropertyValues(
                    "serialized-by.instances.payments.policy=wait", "serialized-by.instances.reports.mode=shared");

    private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(SerializedByAutoConfiguration.class, SerializedByWebAutoConfiguration.class));

    @Test
    void defaultsToTheInMemoryProviderAndProxiesAnnotatedBeans() {
        runner.withUserConfiguration(PaymentsConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
            assertThat(context).hasSingleBean(LockExecutor.class).hasSingleBean(SerializedByAdvisor.class);
            assertThat(AopUtils.isAopProxy(context.getBean(Payments.class))).isTrue();
            SerializedByProperties properties = context.getBean(SerializedByProperties.class);
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.getPolicy()).isEqualTo(LockPolicy.WAIT);
            assertThat(properties.getWaitTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.getLeaseTime()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.getMode()).isEqualTo(LockMode.EXCLUSIVE);
            assertThat(properties.getHttp().getContentionStatus()).isEqualTo(409);
        });
    }

    @Test
    void whenProviderBeanDefinedAutoConfigurationBacksOff() {
        runner.withUserConfiguration(OwnProviderConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(LockProvider.class);
            assertThat(context.getBean(LockProvider.class)).isSameAs(OwnProviderConfiguration.PROVIDER);
            assertThat(context.getBean(LockExecutor.class).provider()).isSameAs(OwnProviderConfiguration.PROVIDER);
        });
    }

    @Test
    void whenExecutorBeanDefinedAutoConfigurationBacksOff() {
        runner.withUserConfiguration(OwnExecutorConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(LockExecutor.class);
            assertThat(context.getBean(LockExecutor.class)).isSameAs(OwnExecutorConfiguration.EXECUTOR);
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void whenExecutorBeanDefinedTheDecoratorsAndListenersItLeavesOutAreNamedAtStartUp(CapturedOutput output) {
        runner.withUserConfiguration(OwnExecutorConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed());
        runner.withUserConfiguration(ListeningConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain("of the application's own replace");

        runner.withUserConfiguration(OwnExecutorConfiguration.class, ListeningConfiguration.class)
                .run(context -> {
                    context.getBean(LockExecutor.class).run(LockSpec.failFast("payments", "refused"), () -> {});
                    assertThat(context.getBean(ListeningConfiguration.class).heard)
                            .isEmpty();
                });
        assertThat(output)
                .contains("LockExecutor bean(s) [myExecutor] of the application's own replace")
                .contains("[refusingDecorator, recordingListener]");
    }

    @Test
    void listenerBeansHearEveryCallOnTheExecutorsProviderOnceAndOutsideTheDecorators() {
        runner.withUserConfiguration(ListeningConfiguration.class).run(context -> {
            LockExecutor executor = context.getBean(LockExecutor.class);
            List<String> heard = context.getBean(ListeningConfiguration.class).heard;

            executor.run(LockSpec.failFast("payments", "p-1"), () -> {});
            assertThatThrownBy(() -> executor.run(LockSpec.failFast("payments", "refused"), () -> {}))
                    .isInstanceOf(LockNotAcquiredException.class);
            executor.provider()
                    .acquireBlocking(LockRequest.exclusive("payments", "p-2"), Duration.ofSeconds(5))
                    .orElseThrow()
                    .release();

            assertThat(heard)
                    .containsExactly(
                            "acquiring p-1",
                            "acquired p-1",
                            "released p-1",
                            "acquiring refused",
                            "rejected refused",
                            "acquiring p-2",
                            "acquired p-2",
                            "released p-2");
        });
    }

    @Test
    void bindsPropertiesAndInstancesInheritUnsetValuesFromTheDefaults() {
        runner.withUserConfiguration(PaymentsConfiguration.class)
                .withPropertyValues(
                        "serialized-by.policy=fail-fast",
                        "serialized-by.wait-timeout=3s",
                        "serialized-by.lease-time=1m",
                        "serialized-by.instances.payments.policy=wait",
                        "serialized-by.instances.reports.mode=shared",
                        "serialized-by.instances.reports.wait-timeout=250ms")
                .run(context -> {
                    LockedMethods methods = context.getBean(LockedMethods.class);
                    assertThat(settingsOf(methods, "conduct"))
                            .isEqualTo(new LockSettings(
                                    LockPolicy.WAIT, Duration.ofSeconds(3), LockMode.EXCLUSIVE, DEFAULT_LIMITS));
                    assertThat(settingsOf(methods, "report"))
                            .isEqualTo(new LockSettings(
                                    LockPolicy.FAIL_FAST, Duration.ofMillis(250), LockMode.SHARED, DEFAULT_LIMITS));
                    assertThat(settingsOf(methods, "refund"))
                            .as("annotation attributes win over the instance")
                            .isEqualTo(new LockSettings(
                                    LockPolicy.FAIL_FAST, Duration.ofMillis(1500), LockMode.EXCLUSIVE, DEFAULT_LIMITS));
                });
    }

    @Test
    void instanceIsFoundByLockNameWhenNotNamed() {
        runner.withUserConfiguration(PaymentsConfiguration.class)
                .withPropertyValues("serialized-by.instances.payment.policy=fail-fast")
                .run(context -> assertThat(settingsOf(context.getBean(LockedMethods.class), "capture")
                                .policy())
                        .isEqualTo(LockPolicy.FAIL_FAST));
    }

    @Test
    void placeholdersInAttributesAreResolved() {
        runner.withUserConfiguration(PaymentsConfiguration.class)
                .withPropertyValues("payments.refund-lock=refunds")
                .run(context -> {
                    LockedMethods methods = context.getBean(LockedMethods.class);
                    assertThat(methods.all())
                            .anySatisfy(method -> assertThat(method.name()).isEqualTo("refunds"));
                });
    }

    @Test
    void whenDisabledBeansAreNotProxied() {
        runner.withUserConfiguration(PaymentsConfiguration.class)
                .withPropertyValues("serialized-by.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SerializedByAdvisor.class);
                    assertThat(AopUtils.isAopProxy(context.getBean(Payments.class)))
                            .isFalse();
                });
    }

    @Test
    void startFailsOnAnExpressionThatDoesNotParse() {
        assertStartFails(BadSyntaxConfiguration.class, BadSyntax.class.getName() + ".run(String)", "'#id +'");
    }

    @Test
    void startFailsOnAnExpressionNamingAMissingParameter() {
        assertStartFails(
                MissingParameterConfiguration.class,
                MissingParameter.class.getName() + ".run(String)",
                "'#paymentid'",
                "[paymentId]");
    }

    @Test
    void startFailsOnAFinalMethod() {
        assertStartFails(FinalMethodConfiguration.class, FinalMethod.class.getName() + ".run(String)", "final");
    }

    @Test
    void startFailsOnANegativeWaitTimeoutFromTheProperties() {
        runner.withUserConfiguration(PaymentsConfiguration.class)
                .withPropertyValues("serialized-by.instances.payments.wait-timeout=-1s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasStackTraceContaining("instances[payments].wait-timeout")
                            .hasStackTraceContaining("must not be negative");
                });
    }

    @Test
    void startFailsOnAnUnknownInstance() {
        assertStartFails(UnknownInstanceConfiguration.class, "instance 'nope' is not configured");
    }

    @Test
    void startFailsOnAResultConsumedAfterTheLockIsReleased() {
        assertStartFails(AsyncConfiguration.class, Async.class.getName() + ".run(String)", "Stream");
    }

    @Test
    void startFailsOnAReferenceToAMissingBean() {
        assertStartFails(MissingBeanConfiguration.class, "'@tenants.current()'", "bean 'tenants'");
    }

    @Test
    void problemDetailsAdviceIsRegisteredInServletApplications() {
        webRunner.run(context -> assertThat(context).hasSingleBean(LockProblemDetailsAdvice.class));
        runner.withConfiguration(AutoConfigurations.of(SerializedByWebAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(LockProblemDetailsAdvice.class));
    }

    @Test
    void browsersGetTheErrorViewOnlyWhereSpringBootsErrorViewsAre() {
        webRunner.run(context -> assertThat(context.getBean(LockProblemDetailsAdvice.class))
                .isExactlyInstanceOf(LockProblemDetailsAdvice.class));
        webRunner
                .withConfiguration(AutoConfigurations.of(
                        DispatcherServletAutoConfiguration.class, ErrorMvcAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(LockProblemDetailsAdvice.class);
                    assertThat(context.getBean(LockProblemDetailsAdvice.class)).isInstanceOf(LockErrorViewAdvice.class);
                });
    }

    @Test
    void problemDetailsAdviceCanBeSwitchedOff() {
        webRunner
                .withPropertyValues("serialized-by.http.problem-details=false")
                .run(context -> assertThat(context).doesNotHaveBean(LockProblemDetailsAdvice.class));
    }

    @Test
    void problemDetailsAdviceBacksOffWithoutSpringWeb() {
        webRunner
                .withClassLoader(new FilteredClassLoader(ProblemDetail.class))
                .run(context -> assertThat(context).doesNotHaveBean(LockProblemDetailsAdvice.class));
    }

    @Test
    void problemDetailsAdviceBacksOffToTheApplicationsOwn() {
        webRunner.withUserConfiguration(OwnAdviceConfiguration.class).run(context -> {
            assertThat(context).hasSingleBean(LockProblemDetailsAdvice.class);
            assertThat(context.getBean(LockProblemDetailsAdvice.class)).isSameAs(OwnAdviceConfiguration.ADVICE);
        });
    }

    @Test
    void idempotencyKeepsResponsesInMemoryByDefaultAndInTheDatabaseWhenAsked() {
        WebApplicationContextRunner idempotency =
                webRunner.withConfiguration(AutoConfigurations.of(SerializedByIdempotencyAutoConfiguration.class));
        idempotency.run(context ->
                assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryIdempotencyStore.class));
        idempotency
                .withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:h2:mem:idempotency", "sa", ""))
                .withPropertyValues(
                        "serialized-by.idempotency.store=jdbc", "serialized-by.idempotency.create-table=true")
                .run(context ->
                        assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(JdbcIdempotencyStore.class));
    }

    @ParameterizedTest
    @CsvSource({
        "redis, io.github.serializedby.idempotency.redis.RedisIdempotencyStore, lock-redis",
        "jdbc, io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore, lock-jdbc"
    })
    void aSharedIdempotencyStoreWhoseModuleIsMissingFailsStartUpInsteadOfKeepingResponsesInMemory(
            String store, String storeClass, String module) {
        webRunner
                .withConfiguration(AutoConfigurations.of(SerializedByIdempotencyAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(storeClass))
                .withPropertyValues("serialized-by.idempotency.store=" + store)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("serialized-by.idempotency.store=" + store)
                        .hasMessageContaining(module));
    }

    @Test
    void idempotencyPropertiesAreBoundToTheirOwnClass() {
        webRunner
                .withConfiguration(AutoConfigurations.of(SerializedByIdempotencyAutoConfiguration.class))
                .withPropertyValues(
                        "serialized-by.idempotency.header-name=X-Request-Key",
                        "serialized-by.idempotency.retry-after=3s",
                        "serialized-by.idempotency.max-entries=7")
                .run(context -> {
                    SerializedByIdempotencyProperties properties =
                            context.getBean(SerializedByIdempotencyProperties.class);
                    assertThat(properties.getHeaderName()).isEqualTo("X-Request-Key");
                    assertThat(properties.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(properties.getMaxEntries()).isEqualTo(7);
                    assertThat(properties.getTtl()).isEqualTo(Duration.ofHours(24));
                });
        webRunner.run(context -> assertThat(context).doesNotHaveBean(SerializedByIdempotencyProperties.class));
    }

    /**
     * An idempotency setting that would turn the feature off or every request away fails start-up naming
     * the property: a TTL that is not positive keeps no response to replay, so a retry runs again.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ttl=-1s             | ttl            | must be positive",
                "ttl=0s              | ttl            | must be positive",
                "max-entries=0       | max-entries    | must be positive",
                "max-stored-size=-1B | max-stored-size | must be positive",
                "max-body-size=-1B   | max-body-size  | must not be negative",
                "header-name=        | header-name    | must not be blank",
                "replay-header=      | replay-header  | must not be blank",
            })
    void anInvalidIdempotencySettingFailsStartUpNamingTheProperty(String setting, String field, String reason) {
        webRunner
                .withConfiguration(AutoConfigurations.of(SerializedByIdempotencyAutoConfiguration.class))
                .withPropertyValues("serialized-by.idempotency." + setting)
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .isInstanceOf(BindValidationException.class)
                        .hasMessageContaining("on field '" + field + "'")
                        .hasMessageContaining("[" + reason + "]"));
    }

    /**
     * The in-memory store's bounds do not apply to a shared store, which expires responses by their TTL:
     * a value that would be wrong for the in-memory store does not fail start-up when another is chosen.
     */
    @ParameterizedTest
    @CsvSource({
        "redis, io.github.serializedby.idempotency.redis.RedisIdempotencyStore",
        "jdbc, io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore"
    })
    void theInMemoryStoresBoundsAreNotCheckedForASharedStore(String store, String storeClass) {
        webRunner
                .withConfiguration(AutoConfigurations.of(SerializedByIdempotencyAutoConfiguration.class))
                .withBean(DataSource.class, () -> new DriverManagerDataSource("jdbc:h2:mem:unbounded", "sa", ""))
                .withBean(RedisConnectionFactory.class, LettuceConnectionFactory::new)
                .withPropertyValues(
                        "serialized-by.idempotency.store=" + store,
                        "serialized-by.idempotency.max-entries=0",
                        "serialized-by.idempotency.max-stored-size=0B")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(IdempotencyStore.class)
                                    .getClass()
                                    .getName())
                            .isEqualTo(storeClass);
                });
    }

    private void assertStartFails(Class<?> configuration, String... fragments) {
        runner.withUserConfiguration(configuration).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            while (failure != null && !(failure instanceof SerializedByConfigurationException)) {
                failure = failure.getCause();
            }
            assertThat(failure)
                    .as("a SerializedByConfigurationException in %s", context.getStartupFailure())
                    .isNotNull();
            assertThat(failure.getMessage()).contains(fragments);
        });
    }

    private static LockSettings settingsOf(LockedMethods methods, String method) throws Exception {
        for (var candidate : Payments.class.getMethods()) {
            if (candidate.getName().equals(method)) {
                return methods.get(candidate, Payments.class).settings();
            }
        }
        throw new AssertionError(method);
    }

    public static class Payments {

        @SerializedBy(value = "#paymentId", instance = "payments")
        public String conduct(String paymentId) {
            return paymentId;
        }

        @SerializedBy(value = "#paymentId", name = "payment")
        public String capture(String paymentId) {
            return paymentId;
        }

        @SerializedBy(value = "#paymentId", instance = "reports")
        public String report(String paymentId) {
            return paymentId;
        }

        @SerializedBy(
                value = "#paymentId",
                name = "${payments.refund-lock:refund}",
                instance = "payments",
                policy = LockPolicy.FAIL_FAST,
                waitTimeout = "1500ms")
        public String refund(String paymentId) {
            return paymentId;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PaymentsConfiguration {
        @Bean
        Payments payments() {
            return new Payments();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProviderConfiguration {
        static final LockProvider PROVIDER = new InMemoryLockProvider();

        @Bean
        LockProvider myProvider() {
            return PROVIDER;
        }
    }

    /** A listener bean, and a decorator that refuses the key "refused" as a policy of the application's. */
    @Configuration(proxyBeanMethods = false)
    static class ListeningConfiguration {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Bean
        LockListener recordingListener() {
            return new LockListener() {
                @Override
                public void acquiring(LockRequest request, LockPolicy policy) {
                    heard.add("acquiring " + request.key());
                }

                @Override
                public void acquired(LockRequest request, Duration waited) {
                    heard.add("acquired " + request.key());
                }

                @Override
                public void rejected(LockRequest request) {
                    heard.add("rejected " + request.key());
                }

                @Override
                public void released(LockRequest request, Duration held) {
                    heard.add("released " + request.key());
                }
            };
        }

        @Bean
        LockProviderDecorator refusingDecorator() {
            return provider -> new ForwardingLockProvider(provider) {
                @Override
                public Optional<Lease> tryAcquire(LockRequest request) {
                    return request.key().equals("refused")
                            ? Optional.empty()
                            : delegate().tryAcquire(request);
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutorConfiguration {
        static final LockExecutor EXECUTOR = new LockExecutor(new InMemoryLockProvider());

        @Bean
        LockExecutor myExecutor() {
            return EXECUTOR;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnAdviceConfiguration {
        static final LockProblemDetailsAdvice ADVICE =
                new LockProblemDetailsAdvice(HttpStatus.LOCKED, Duration.ofSeconds(2));

        @Bean
        LockProblemDetailsAdvice myAdvice() {
            return ADVICE;
        }
    }

    public static class BadSyntax {
        @SerializedBy("#id +")
        public void run(String id) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class BadSyntaxConfiguration {
        @Bean
        BadSyntax bean() {
            return new BadSyntax();
        }
    }

    public static class MissingParameter {
        @SerializedBy("#paymentid")
        public void run(String paymentId) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class MissingParameterConfiguration {
        @Bean
        MissingParameter bean() {
            return new MissingParameter();
        }
    }

    public static class FinalMethod {
        @SerializedBy("#id")
        public final void run(String id) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class FinalMethodConfiguration {
        @Bean
        FinalMethod bean() {
            return new FinalMethod();
        }
    }

    public static class UnknownInstance {
        @SerializedBy(value = "#id", instance = "nope")
        public void run(String id) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class UnknownInstanceConfiguration {
        @Bean
        UnknownInstance bean() {
            return new UnknownInstance();
        }
    }

    public static class Async {
        @SerializedBy("#id")
        public Stream<String> run(String id) {
            return Stream.of(id);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AsyncConfiguration {
        @Bean
        Async bean() {
            return new Async();
        }
    }

    public static class MissingBean {
        @SerializedBy("@tenants.current()")
        public void run(String id) {}
    }

    @Configuration(proxyBeanMethods = false)
    static class MissingBeanConfiguration {
        @Bean
        MissingBean bean() {
            return new MissingBean();
        }
    }
}
