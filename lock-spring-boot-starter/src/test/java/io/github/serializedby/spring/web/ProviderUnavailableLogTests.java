package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockProviderUnavailableException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;

/** A 503 for an unreachable provider leaves a line in the application's log, without flooding it. */
@ExtendWith(OutputCaptureExtension.class)
class ProviderUnavailableLogTests {

    private final LockProblemDetailsAdvice advice =
            new LockProblemDetailsAdvice(HttpStatus.CONFLICT, Duration.ofSeconds(1));

    @Test
    void theFirstUnavailableAnswerIsLoggedNamingLockAndCauseButNotItsMessage(CapturedOutput output) {
        advice.providerUnavailable(
                new LockProviderUnavailableException("orders", new IOException("refused for key secret-account-42")));

        assertThat(output.getOut())
                .contains("WARN")
                .contains("Lock 'orders'")
                .contains("java.io.IOException")
                .doesNotContain("secret-account-42");
    }

    @Test
    void furtherUnavailableAnswersWithinTheIntervalAreCountedNotLogged(CapturedOutput output) {
        for (int i = 0; i < 50; i++) {
            advice.providerUnavailable(new LockProviderUnavailableException("orders", new IOException("refused")));
        }

        assertThat(output.getOut().lines().filter(line -> line.contains("Lock 'orders'")))
                .hasSize(1);
    }
}
