package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.NullLockKeyException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Each lock failure's problem answer: status, type, title, the lock it names and what it adds. */
class LockProblemAnswersTests {

    private final LockProblemDetailsAdvice advice =
            new LockProblemDetailsAdvice(HttpStatus.TOO_MANY_REQUESTS, Duration.ofSeconds(2));

    @Test
    void aHeldKeyAnswersWithTheConfiguredStatusAndThePolicy() {
        ResponseEntity<ProblemDetail> answer =
                advice.lockNotAcquired(new LockNotAcquiredException("orders", LockPolicy.WAIT, Duration.ofMillis(250)));

        ProblemDetail problem = problem(answer, 429, LockProblemDetailsAdvice.LOCK_CONFLICT, "2");
        assertThat(problem.getTitle()).isEqualTo("Lock held by another request");
        assertThat(problem.getDetail())
                .isEqualTo("Lock 'orders' is held by another request; waited 250 ms. Retry later.");
        assertThat(problem.getProperties()).isEqualTo(Map.of("lockName", "orders", "policy", "WAIT"));
    }

    @Test
    void aStaleFencingTokenAnswersWithItsOwnConflictWithoutRetryAfter() {
        ResponseEntity<ProblemDetail> answer =
                advice.staleFencingToken(new StaleFencingTokenException("accounts", 7, 9));

        ProblemDetail problem = problem(answer, 409, LockProblemDetailsAdvice.STALE_FENCING_TOKEN, null);
        assertThat(problem.getTitle()).isEqualTo("Lock lost while the request ran");
        assertThat(problem.getDetail())
                .isEqualTo("The lock 'accounts' was lost while this request ran; nothing was written.");
        assertThat(problem.getProperties()).isEqualTo(Map.of("lockName", "accounts"));
    }

    @Test
    void aNullKeyAnswersWithTheExpressionThatGaveIt() {
        ResponseEntity<ProblemDetail> answer =
                advice.nullLockKey(new NullLockKeyException("orders", "#order.id", "OrderService.place"));

        ProblemDetail problem = problem(answer, 400, LockProblemDetailsAdvice.MISSING_LOCK_KEY, null);
        assertThat(problem.getTitle()).isEqualTo("Missing lock key");
        assertThat(problem.getDetail())
                .isEqualTo("The lock key expression '#order.id' of lock 'orders' gave no value for this request.");
        assertThat(problem.getProperties()).isEqualTo(Map.of("lockName", "orders", "expression", "#order.id"));
    }

    @Test
    void aRefusedKeyAnswersWithTheReason() {
        InvalidLockKeyException refused = new InvalidLockKeyException("orders", "too long");

        ProblemDetail problem =
                problem(advice.invalidLockKey(refused), 400, LockProblemDetailsAdvice.INVALID_LOCK_KEY, null);
        assertThat(problem.getTitle()).isEqualTo("Invalid lock key");
        assertThat(problem.getDetail()).isEqualTo("The key of lock 'orders' was refused: " + refused.reason() + ".");
        assertThat(problem.getProperties()).isEqualTo(Map.of("lockName", "orders"));
    }

    @Test
    void anUnreachableProviderAndAnInterruptedWaitAnswerAsUnavailable() {
        ProblemDetail unreachable = problem(
                advice.providerUnavailable(
                        new LockProviderUnavailableException("orders", new IOException("connection refused"))),
                503,
                LockProblemDetailsAdvice.LOCK_PROVIDER_UNAVAILABLE,
                "5");
        ProblemDetail interrupted = problem(
                advice.interrupted(new LockInterruptedException("orders", new InterruptedException())),
                503,
                LockProblemDetailsAdvice.LOCK_PROVIDER_UNAVAILABLE,
                "1");

        assertThat(unreachable.getTitle()).isEqualTo("Lock provider unavailable");
        assertThat(unreachable.getDetail())
                .isEqualTo("Lock 'orders' could not be checked, so the request was not processed.");
        assertThat(unreachable.getProperties()).isEqualTo(Map.of("lockName", "orders"));
        assertThat(interrupted.getTitle()).isEqualTo("Interrupted while waiting for a lock");
        assertThat(interrupted.getDetail())
                .isEqualTo("The server stopped waiting for lock 'orders'; the request was not processed.");
        assertThat(interrupted.getProperties()).isEqualTo(Map.of("lockName", "orders"));
    }

    @Test
    void aCallerRefusedByItsKeysOrItsLocksBoundIsTooManyRequestsNamingTheLock() {
        ProblemDetail key = problem(
                advice.lockQueueFull(new LockQueueFullException("tickets", Bound.KEY, 7, Duration.ofMillis(300))),
                429,
                LockProblemDetailsAdvice.LOCK_QUEUE_FULL,
                "3");
        ProblemDetail lock = problem(
                advice.lockQueueFull(new LockQueueFullException("tickets", Bound.LOCK, 1, Duration.ofMillis(300))),
                429,
                LockProblemDetailsAdvice.LOCK_QUEUE_FULL,
                "1");

        assertThat(key.getTitle()).isEqualTo("Too many requests waiting for a lock");
        assertThat(key.getDetail())
                .isEqualTo("Lock 'tickets' already has 7 requests waiting for the same key; this request was"
                        + " refused without waiting. Retry later.");
        assertThat(key.getProperties()).isEqualTo(Map.of("lockName", "tickets", "bound", "KEY", "waiters", 7));
        assertThat(lock.getDetail()).startsWith("Lock 'tickets' already has 1 request waiting across its keys;");
        assertThat(lock.getProperties()).containsEntry("bound", "LOCK");
    }

    @Test
    void aCallerWhoseWaitWouldOutlastItsTimeoutIsTooManyRequestsOfItsOwnType() {
        ProblemDetail problem = problem(
                advice.lockQueueFull(
                        new LockQueueFullException("tickets", Bound.EXPECTED_WAIT, 4, Duration.ofMillis(900))),
                429,
                LockProblemDetailsAdvice.LOCK_WAIT_TOO_LONG,
                "4");

        assertThat(problem.getTitle()).isEqualTo("Lock wait would outlast its timeout");
        assertThat(problem.getDetail())
                .isEqualTo("Lock 'tickets' has 4 requests ahead that would outlast the wait timeout; this request"
                        + " was refused without waiting. Retry later.");
        assertThat(problem.getProperties()).containsEntry("bound", "EXPECTED_WAIT");
    }

    @Test
    void aCallerRefusedByTheApplicationsBoundIsServiceUnavailable() {
        ProblemDetail problem = problem(
                advice.lockQueueFull(new LockQueueFullException("tickets", Bound.GLOBAL, 200, Duration.ofMillis(50))),
                503,
                LockProblemDetailsAdvice.LOCK_WAITERS_SATURATED,
                "10");

        assertThat(problem.getTitle()).isEqualTo("Too many requests waiting for locks");
        assertThat(problem.getDetail())
                .isEqualTo("This application already has 200 requests waiting for locks (this one for lock"
                        + " 'tickets'); this request was refused without waiting. Retry later.");
        assertThat(problem.getProperties()).containsEntry("bound", "GLOBAL").containsEntry("waiters", 200);
    }

    @Test
    void theRetryAfterOfARefusalIsTheTimeTheCallersAheadTakeAtLeastOneSecondAtMostThirty() {
        assertThat(retryAfter(new LockQueueFullException("tickets", Bound.KEY, 3, Duration.ofMillis(100))))
                .as("0.3 s rounded up")
                .isEqualTo("1");
        assertThat(retryAfter(new LockQueueFullException("tickets", Bound.KEY, 0, Duration.ofMillis(1200))))
                .as("no one ahead: one hold")
                .isEqualTo("2");
        assertThat(retryAfter(new LockQueueFullException("tickets", Bound.KEY, 1000, Duration.ofSeconds(2))))
                .isEqualTo("30");
        assertThat(retryAfter(new LockQueueFullException("tickets", Bound.KEY, Integer.MAX_VALUE, Duration.ofDays(9))))
                .isEqualTo("30");
        assertThat(retryAfter(new LockQueueFullException("tickets", Bound.KEY, 50, Duration.ZERO)))
                .as("hold time unknown: the configured hint")
                .isEqualTo("2");
    }

    private String retryAfter(LockQueueFullException refusal) {
        return advice.lockQueueFull(refusal).getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
    }

    /** The answer's problem, after checking what every answer carries. */
    private static ProblemDetail problem(
            ResponseEntity<ProblemDetail> answer, int status, URI type, @Nullable String retryAfter) {
        assertThat(answer.getStatusCode().value()).isEqualTo(status);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo(retryAfter);
        ProblemDetail problem = answer.getBody();
        assertThat(problem).isNotNull();
        assertThat(problem.getStatus()).isEqualTo(status);
        assertThat(problem.getType()).isEqualTo(type);
        return problem;
    }
}
