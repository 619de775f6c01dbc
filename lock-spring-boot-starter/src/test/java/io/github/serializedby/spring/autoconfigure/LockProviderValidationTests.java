package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.redis.RedisLockProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Start-up fails whenever {@code serialized-by.provider} names a provider that is not the one in use, and
 * says what is missing; otherwise one line at start-up says which provider is used and why. Needs no
 * running Redis (the provider connects lazily); the database is an in-memory H2.
 */
@ExtendWith(OutputCaptureExtension.class)
class LockProviderValidationTests {

    private static final String H2_URL = "spring.datasource.url=jdbc:h2:mem:provider-validation;DB_CLOSE_DELAY=-1";

    /** Every provider's wiring, with Redis (on an unused port) and a database available. */
    private final ApplicationContextRunner everything = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataRedisAutoConfiguration.class,
                    DataSourceAutoConfiguration.class,
                    SerializedByRedisAutoConfiguration.class,
                    SerializedByJdbcAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByProviderCheckAutoConfiguration.class))
            .withPropertyValues("spring.data.redis.port=1", H2_URL, "serialized-by.jdbc.create-table=true");

    /** The starter alone: no RedisConnectionFactory, no DataSource. */
    private final ApplicationContextRunner starterOnly = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SerializedByRedisAutoConfiguration.class,
                    SerializedByJdbcAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByProviderCheckAutoConfiguration.class));

    @Test
    void whenNoProviderIsNamedLocksStayInMemoryEvenWithRedisAndADatabaseAndStartUpSaysSo(CapturedOutput output) {
        everything.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
        });
        assertThat(output)
                .contains("SerializedBy uses the in-memory lock provider (serialized-by.provider not set): "
                        + "locks exclude callers in this JVM only");
    }

    @Test
    void whenInMemoryIsNamedStartUpSaysSo(CapturedOutput output) {
        everything.withPropertyValues("serialized-by.provider=in-memory").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class);
        });
        assertThat(output).contains("SerializedBy uses the in-memory lock provider (serialized-by.provider=in-memory)");
    }

    @Test
    void whenRedisIsNamedAndAvailableRedisIsUsed(CapturedOutput output) {
        everything.withPropertyValues("serialized-by.provider=redis").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(RedisLockProvider.class);
        });
        assertThat(output).contains("SerializedBy uses the redis lock provider (serialized-by.provider=redis)");
    }

    @Test
    void whenJdbcIsNamedAndAvailableTheDatabaseIsUsed(CapturedOutput output) {
        everything.withPropertyValues("serialized-by.provider=jdbc").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LockProvider.class)).isInstanceOf(JdbcLeaseTableLockProvider.class);
        });
        assertThat(output)
                .contains("SerializedBy uses the jdbc-lease-table lock provider (serialized-by.provider=jdbc");
    }

    @Test
    void whenRedisIsNamedWithoutLockRedisStartUpFails() {
        everything
                .withPropertyValues("serialized-by.provider=redis")
                .withClassLoader(new FilteredClassLoader(RedisLockProvider.class))
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("serialized-by.provider=redis")
                        .hasStackTraceContaining("io.github.serializedby:lock-redis"));
    }

    @Test
    void whenRedisIsNamedWithoutSpringDataRedisStartUpFails() {
        starterOnly
                .withPropertyValues("serialized-by.provider=redis")
                .withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("serialized-by.provider=redis")
                        .hasStackTraceContaining("spring-boot-starter-data-redis"));
    }

    @Test
    void whenRedisIsNamedWithoutAConnectionFactoryStartUpFails() {
        starterOnly
                .withPropertyValues("serialized-by.provider=redis")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("serialized-by.provider=redis")
                        .hasStackTraceContaining("no RedisConnectionFactory bean"));
    }

    @Test
    void whenJdbcIsNamedWithoutLockJdbcStartUpFails() {
        everything
                .withPropertyValues("serialized-by.provider=jdbc")
                .withClassLoader(new FilteredClassLoader(JdbcLeaseTableLockProvider.class))
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("serialized-by.provider=jdbc")
                        .hasStackTraceContaining("io.github.serializedby:lock-jdbc"));
    }

    @Test
    void whenJdbcIsNamedWithoutADataSourceStartUpFails() {
        starterOnly
                .withPropertyValues("serialized-by.provider=jdbc")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("serialized-by.provider=jdbc")
                        .hasStackTraceContaining("no DataSource bean"));
    }

    @Test
    void theStartUpFailureIsExplainedWithWhatToDo() {
        starterOnly.withPropertyValues("serialized-by.provider=jdbc").run(context -> {
            FailureAnalysis analysis = new LockProviderMismatchFailureAnalyzer().analyze(context.getStartupFailure());

            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription())
                    .isEqualTo("serialized-by.provider=jdbc, but the in-memory lock provider would be used: there is"
                            + " no DataSource bean (spring-boot-starter-jdbc and spring.datasource.url)");
            assertThat(analysis.getAction()).contains("set serialized-by.provider to the provider you mean");
        });
        // Other analyzers need constructor arguments Spring Boot passes; only ours matters here.
        FailureHandler skipOthers = (factoryType, implementationName, failure) -> {};
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class, skipOthers))
                .hasAtLeastOneElementOfType(LockProviderMismatchFailureAnalyzer.class);
    }

    @Test
    void whenTheApplicationDefinesItsOwnProviderTheNamedOneIsIgnoredAndStartUpSaysSo(CapturedOutput output) {
        LockProvider own = new InMemoryLockProvider();
        starterOnly
                .withPropertyValues("serialized-by.provider=jdbc")
                .withBean("ownLockProvider", LockProvider.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(LockProvider.class)).isSameAs(own);
                });
        assertThat(output)
                .contains("SerializedBy uses the application's own LockProvider bean 'ownLockProvider' (in-memory)")
                .contains("serialized-by.provider=jdbc is ignored");
    }
}
