package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SerializedByJdbcAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataSourceAutoConfiguration.class,
                    SerializedByJdbcAutoConfiguration.class,
                    SerializedByAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:jdbc-autoconfig;DB_CLOSE_DELAY=-1");

    @Test
    void whenProviderIsJdbcTheLeaseTableProviderLocksInTheDatabase() {
        runner.withPropertyValues("serialized-by.provider=jdbc", "serialized-by.jdbc.create-table=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(LockProvider.class);
                    assertThat(context.getBean(LockProvider.class)).isInstanceOf(JdbcLeaseTableLockProvider.class);
                    AtomicBoolean ran = new AtomicBoolean();
                    context.getBean(LockExecutor.class)
                            .run(LockSpec.waiting("jdbc-autoconfig", Duration.ofSeconds(1), "k"), () -> ran.set(true));
                    assertThat(ran).isTrue();
                });
    }

    @Test
    void whenProviderIsNotJdbcTheInMemoryProviderStays() {
        runner.run(context -> assertThat(context.getBean(LockProvider.class)).isInstanceOf(InMemoryLockProvider.class));
    }

    @Test
    void whenProviderBeanDefinedJdbcAutoConfigurationBacksOff() {
        runner.withPropertyValues("serialized-by.provider=jdbc")
                .withUserConfiguration(OwnProvider.class)
                .run(context -> assertThat(context.getBean(LockProvider.class)).isSameAs(OwnProvider.PROVIDER));
    }

    @Test
    void whenTheTableIsMissingAndNotCreatedStartUpFailsAndSaysWhatToRun() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        SerializedByJdbcAutoConfiguration.class,
                        SerializedByAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:h2:mem:jdbc-autoconfig-empty;DB_CLOSE_DELAY=-1",
                        "serialized-by.provider=jdbc")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining(
                                "Lease tables serialized_by_lease and serialized_by_lease_shared are missing")
                        .hasStackTraceContaining("schema-h2.sql"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProvider {

        static final LockProvider PROVIDER = new InMemoryLockProvider();

        @Bean
        LockProvider ownLockProvider() {
            return PROVIDER;
        }
    }
}
