package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.spring.idempotency.IdempotencyException;
import io.github.serializedby.spring.idempotency.IdempotencyException.Reason;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The advices alone decide the {@code Retry-After} of each answer; the exceptions carry no hint. */
class RetryAfterTests {

    private final LockProblemDetailsAdvice locks =
            new LockProblemDetailsAdvice(HttpStatus.CONFLICT, Duration.ofMillis(1500));

    private final IdempotencyProblemDetailsAdvice idempotency =
            new IdempotencyProblemDetailsAdvice(Duration.ofSeconds(3));

    @Test
    void aHeldKeyIsAnsweredWithTheConfiguredHintRoundedUpToWholeSeconds() {
        ResponseEntity<ProblemDetail> answer =
                locks.lockNotAcquired(new LockNotAcquiredException("orders", LockPolicy.FAIL_FAST, Duration.ZERO));

        assertThat(answer.getStatusCode().value()).isEqualTo(409);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
    }

    @Test
    void anUnreachableProviderIsAnsweredWithFiveSeconds() {
        ResponseEntity<ProblemDetail> answer = locks.providerUnavailable(
                new LockProviderUnavailableException("orders", new IOException("connection refused")));

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    }

    @Test
    void anInterruptedWaitIsAnsweredWithOneSecond() {
        ResponseEntity<ProblemDetail> answer =
                locks.interrupted(new LockInterruptedException("orders", new InterruptedException()));

        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    void onlyAnIdempotencyKeyInUseIsAnsweredWithAHint() {
        ResponseEntity<ProblemDetail> inUse = idempotency.refused(new IdempotencyException(Reason.KEY_IN_USE, "busy"));
        ResponseEntity<ProblemDetail> reused =
                idempotency.refused(new IdempotencyException(Reason.KEY_REUSED, "other request"));

        assertThat(inUse.getStatusCode().value()).isEqualTo(409);
        assertThat(inUse.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
        assertThat(reused.getStatusCode().value()).isEqualTo(422);
        assertThat(reused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNull();
    }
}
