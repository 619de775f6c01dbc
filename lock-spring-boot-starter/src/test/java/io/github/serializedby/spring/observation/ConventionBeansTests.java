package io.github.serializedby.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Convention beans are found as Spring Boot finds its own (a {@code ServerRequestObservationConvention},
 * for one): one of a kind replaces the default, a {@code @Primary} one wins among several, and several
 * without one fail start-up with Spring Boot's report naming the beans and the way out.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConventionBeansTests {

    @Test
    void aPrimaryConventionAmongSeveralIsUsed() {
        try (ConfigurableApplicationContext context =
                application(TwoConventions.class, PrimaryConvention.class).run()) {
            context.getBean(LockExecutor.class)
                    .provider()
                    .tryAcquire(LockRequest.exclusive("orders", "o-1"))
                    .orElseThrow()
                    .release();

            assertThat(context.getBean(MeterRegistry.class)
                            .find("primary.lock.acquire")
                            .timer())
                    .isNotNull();
        }
    }

    @Test
    void severalConventionsOfOneKindFailStartUpNamingThem(CapturedOutput output) {
        assertThatThrownBy(application(TwoConventions.class)::run).isInstanceOf(Exception.class);

        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("required a single bean, but 2 were found")
                .contains("firstAcquireConvention")
                .contains("secondAcquireConvention")
                .contains("Consider marking one of the beans as @Primary");
    }

    private static SpringApplicationBuilder application(Class<?>... configurations) {
        return new SpringApplicationBuilder(Application.class)
                .sources(configurations)
                .web(WebApplicationType.NONE);
    }

    private static LockAcquireObservationConvention named(String name) {
        return new DefaultLockAcquireObservationConvention() {
            @Override
            public String getName() {
                return name;
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({
        ObservationAutoConfiguration.class,
        MetricsAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class,
        SerializedByAutoConfiguration.class,
        SerializedByObservationAutoConfiguration.class
    })
    static class Application {}

    @Configuration(proxyBeanMethods = false)
    static class TwoConventions {

        @Bean
        LockAcquireObservationConvention firstAcquireConvention() {
            return named("first.lock.acquire");
        }

        @Bean
        LockAcquireObservationConvention secondAcquireConvention() {
            return named("second.lock.acquire");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryConvention {

        @Bean
        @Primary
        LockAcquireObservationConvention primaryAcquireConvention() {
            return named("primary.lock.acquire");
        }
    }
}
