package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.lock.test.AheadOfTimeClasses;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.SpringProperties;

/**
 * The demo processed by Spring AOT, as {@code spring-boot:process-aot} does for a native image, then
 * started on the JVM from the generated code alone ({@code spring.aot.enabled}): its withdrawals are
 * serialized exactly as without AOT.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AheadOfTimeDemoTest {

    private static final String[] ARGUMENTS = {"--spring.profiles.active=test", "--server.port=0"};

    @TempDir
    Path generated;

    @Test
    void theDemoStartedFromItsAotCodeLetsTwoOfFiftyWithdrawalsThrough() {
        AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
                .sourceOutput(generated.resolve("sources"))
                .resourceOutput(generated.resolve("resources"))
                .classOutput(generated.resolve("classes"))
                .groupId("io.github.serializedby")
                .artifactId("demo-app")
                .build();
        new SpringApplicationAotProcessor(DemoApplication.class, settings, ARGUMENTS).process();
        AheadOfTimeClasses.define(generated.resolve("sources"), generated.resolve("classes"), DemoApplication.class);

        SpringProperties.setProperty("spring.aot.enabled", "true");
        SpringApplication application = new SpringApplication(DemoApplication.class);
        application.setMainApplicationClass(DemoApplication.class);
        try (ConfigurableApplicationContext demo = application.run(ARGUMENTS)) {
            DemoClient http = new DemoClient(
                    ((WebServerApplicationContext) demo).getWebServer().getPort());
            long account = http.send(http.post("/accounts", "{\"owner\":\"aot\",\"balance\":100}"))
                    .number("id");

            List<Answer> answers =
                    http.together(50, http.post("/accounts/" + account + "/withdrawals", "{\"amount\":50}"));

            assertThat(answers).filteredOn(a -> a.status() == 200).hasSize(2);
            assertThat(answers).filteredOn(a -> a.status() == 422).hasSize(48);
            assertThat(http.send(http.get("/accounts/" + account)).number("balance"))
                    .isZero();
        } finally {
            SpringProperties.setProperty("spring.aot.enabled", null);
        }
    }
}
