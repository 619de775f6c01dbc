package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.SerializedByAdvisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The {@code serialized-by} properties are one bean, bound once, which the advisor and the method
 * validator use although they are created while bean post-processors still are.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertiesBindingTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    ObservationAutoConfiguration.class,
                    MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SerializedByAutoConfiguration.class,
                    SerializedByObservationAutoConfiguration.class))
            .withUserConfiguration(ReportsConfiguration.class)
            .withPropertyValues("serialized-by.order=42", "serialized-by.instances.reports.policy=fail-fast");

    @Test
    void theInfrastructureBeansUseTheOneBoundPropertiesBean(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SerializedByProperties.class);
            assertThat(context.getBean(SerializedByAdvisor.class).getOrder()).isEqualTo(42);
            assertThat(context.getBean(LockedMethods.class)
                            .get(Reports.class.getMethod("report", String.class), Reports.class)
                            .settings()
                            .policy())
                    .isEqualTo(LockPolicy.FAIL_FAST);
        });
        assertThat(output).doesNotContain("not eligible for getting processed by all BeanPostProcessors");
    }

    /**
     * A value that would break locking fails start-up with Spring Boot's report of a property bound to
     * an invalid value, naming the property; a contention status that is not an error would tell a caller
     * whose call never ran that it succeeded. An instance is named as Spring Boot names a map entry in its
     * own reports, in brackets, so that a name with a dot still names a property the user can find.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "serialized-by.wait-timeout=-1s                     | serialized-by.wait-timeout                     | must not be negative",
                "serialized-by.lease-time=0s                        | serialized-by.lease-time                       | must be positive",
                "serialized-by.max-waiters=-1                       | serialized-by.max-waiters                      | must not be negative",
                "serialized-by.max-lock-waiters=-1                  | serialized-by.max-lock-waiters                 | must not be negative",
                "serialized-by.max-waiting=-1                       | serialized-by.max-waiting                      | must not be negative",
                "serialized-by.max-keys-per-call=0                  | serialized-by.max-keys-per-call                | must be at least 1",
                "serialized-by.http.contention-status=200           | serialized-by.http.contention-status           | must be a 4xx or 5xx status",
                "serialized-by.http.contention-status=99            | serialized-by.http.contention-status           | must be a 4xx or 5xx status",
                "serialized-by.instances.reports.wait-timeout=-1s   | serialized-by.instances[reports].wait-timeout  | must not be negative",
                "serialized-by.instances.reports.max-waiters=-1     | serialized-by.instances[reports].max-waiters   | must not be negative",
                "serialized-by.instances.reports.max-lock-waiters=-1 | serialized-by.instances[reports].max-lock-waiters | must not be negative",
                "serialized-by.instances[orders.v2].wait-timeout=-1s | serialized-by.instances[orders.v2].wait-timeout | must not be negative",
            })
    void anInvalidValueFailsStartUpNamingTheProperty(
            String setting, String property, String reason, CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(ReportsApplication.class)
                .web(WebApplicationType.NONE)
                .properties("serialized-by.instances.reports.policy=fail-fast", setting);
        assertThatThrownBy(application::run).isInstanceOf(Exception.class);
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property: " + property)
                .contains("Reason: " + reason);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(SerializedByAutoConfiguration.class)
    @Import(ReportsConfiguration.class)
    static class ReportsApplication {}

    @Configuration(proxyBeanMethods = false)
    static class ReportsConfiguration {
        @Bean
        Reports reports() {
            return new Reports();
        }
    }

    static class Reports {
        @SerializedBy(value = "#id", instance = "reports")
        public String report(String id) {
            return id;
        }
    }
}
