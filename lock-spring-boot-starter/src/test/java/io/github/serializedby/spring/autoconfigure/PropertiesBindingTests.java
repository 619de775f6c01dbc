package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.SerializedByAdvisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
