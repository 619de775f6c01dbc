package io.github.serializedby.spring.web;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.NullLockKeyException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers lock failures in Spring MVC and WebFlux with problem details: contention with 409 and {@code
 * Retry-After}, a null key or a key that cannot be locked (too long, not valid text) with 400, an
 * a call refused by its fence because its lock was lost with 409, an unreachable provider with 503 and {@code Retry-After}. The {@code Retry-After} hints are decided here,
 * since they are HTTP's concern and not the lock's. Its order is the lowest, so an application's own {@code @ExceptionHandler} for these exceptions wins.
 * Problem types are stable URNs under {@value #TYPE_PREFIX}. Details name the lock, never the key.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class LockProblemDetailsAdvice {

    /** The prefix of the problem types this advice answers with. */
    public static final String TYPE_PREFIX = "urn:serialized-by:problem:";

    /** Type of the answer when the key is held by another caller. */
    public static final URI LOCK_CONFLICT = URI.create(TYPE_PREFIX + "lock-conflict");

    /** Type of the answer when a key expression gives no key. */
    public static final URI MISSING_LOCK_KEY = URI.create(TYPE_PREFIX + "missing-lock-key");

    /** Type of the answer when a key is too long or not valid text. */
    public static final URI INVALID_LOCK_KEY = URI.create(TYPE_PREFIX + "invalid-lock-key");

    /** Type of the answer when the lock provider cannot be reached. */
    public static final URI LOCK_PROVIDER_UNAVAILABLE = URI.create(TYPE_PREFIX + "lock-provider-unavailable");

    /** Type of the answer when a fence refused a call whose lock was lost while it ran. */
    public static final URI STALE_FENCING_TOKEN = URI.create(TYPE_PREFIX + "stale-fencing-token");

    private static final Answer STALE_TOKEN =
            new Answer(HttpStatus.CONFLICT, STALE_FENCING_TOKEN, "Lock lost while the request ran", null);

    private static final Answer MISSING_KEY =
            new Answer(HttpStatus.BAD_REQUEST, MISSING_LOCK_KEY, "Missing lock key", null);

    private static final Answer INVALID_KEY =
            new Answer(HttpStatus.BAD_REQUEST, INVALID_LOCK_KEY, "Invalid lock key", null);

    private static final Answer UNAVAILABLE = new Answer(
            HttpStatus.SERVICE_UNAVAILABLE,
            LOCK_PROVIDER_UNAVAILABLE,
            "Lock provider unavailable",
            Duration.ofSeconds(5));

    private static final Answer INTERRUPTED = new Answer(
            HttpStatus.SERVICE_UNAVAILABLE,
            LOCK_PROVIDER_UNAVAILABLE,
            "Interrupted while waiting for a lock",
            Duration.ofSeconds(1));

    private final Answer conflict;

    /**
     * @param contentionStatus the status when the key is held, usually 409
     * @param contentionRetryAfter the {@code Retry-After} of that answer, rounded up to whole seconds
     */
    public LockProblemDetailsAdvice(HttpStatusCode contentionStatus, Duration contentionRetryAfter) {
        this.conflict =
                new Answer(contentionStatus, LOCK_CONFLICT, "Lock held by another request", contentionRetryAfter);
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> lockNotAcquired(LockNotAcquiredException e) {
        String waited = e.timedOut() ? "; waited " + e.waited().toMillis() + " ms" : "";
        return conflict.to(
                e,
                "Lock '" + e.lockName() + "' is held by another request" + waited + ". Retry later.",
                Map.of("policy", e.policy().name()));
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> staleFencingToken(StaleFencingTokenException e) {
        return STALE_TOKEN.to(
                e, "The lock '" + e.lockName() + "' was lost while this request ran; nothing was written.", Map.of());
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> nullLockKey(NullLockKeyException e) {
        return MISSING_KEY.to(
                e,
                "The lock key expression '" + e.expression() + "' of lock '" + e.lockName()
                        + "' gave no value for this request.",
                Map.of("expression", e.expression()));
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> invalidLockKey(InvalidLockKeyException e) {
        return INVALID_KEY.to(e, "The key of lock '" + e.lockName() + "' was refused: " + e.reason() + ".", Map.of());
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> providerUnavailable(LockProviderUnavailableException e) {
        return UNAVAILABLE.to(
                e, "Lock '" + e.lockName() + "' could not be checked, so the request was not processed.", Map.of());
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> interrupted(LockInterruptedException e) {
        return INTERRUPTED.to(
                e,
                "The server stopped waiting for lock '" + e.lockName() + "'; the request was not processed.",
                Map.of());
    }

    /** What one kind of lock failure is answered with, whatever its lock. */
    private record Answer(
            HttpStatusCode status,
            URI type,
            String title,
            @Nullable Duration retryAfter) {

        /** The answer to {@code failure}, naming its lock, with {@code properties} added to the problem. */
        ResponseEntity<ProblemDetail> to(LockException failure, String detail, Map<String, String> properties) {
            ProblemDetail problem = ProblemAnswers.problem(status, type, title, detail);
            problem.setProperty("lockName", failure.lockName());
            properties.forEach(problem::setProperty);
            return ProblemAnswers.answer(problem, retryAfter);
        }
    }
}
