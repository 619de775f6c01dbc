package io.github.serializedby.spring.web;

import io.github.serializedby.spring.idempotency.IdempotencyException;
import java.net.URI;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers refused idempotency keys with problem details: 400 for a missing or malformed key, 409 with
 * {@code Retry-After} while the first request with the key runs, 422 for a key reused with another
 * request, 413 for a body too large to fingerprint. Lowest order, so an application's own handler wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdempotencyProblemDetailsAdvice {

    /** Type of the answer to a missing or malformed key. */
    public static final URI INVALID_KEY = URI.create(LockProblemDetailsAdvice.TYPE_PREFIX + "idempotency-key-invalid");

    /** Type of the answer while a request with the same key runs. */
    public static final URI KEY_IN_USE = URI.create(LockProblemDetailsAdvice.TYPE_PREFIX + "idempotency-key-in-use");

    /** Type of the answer to a key reused with another request. */
    public static final URI KEY_REUSED = URI.create(LockProblemDetailsAdvice.TYPE_PREFIX + "idempotency-key-reused");

    /** Type of the answer to a body too large to fingerprint. */
    public static final URI BODY_TOO_LARGE =
            URI.create(LockProblemDetailsAdvice.TYPE_PREFIX + "idempotency-body-too-large");

    private final Duration keyInUseRetryAfter;

    /** @param keyInUseRetryAfter the {@code Retry-After} of the 409 while the first request with the key runs */
    public IdempotencyProblemDetailsAdvice(Duration keyInUseRetryAfter) {
        this.keyInUseRetryAfter = keyInUseRetryAfter;
    }

    @ExceptionHandler
    public ResponseEntity<ProblemDetail> refused(IdempotencyException e) {
        HttpStatus status;
        URI type;
        String title;
        switch (e.reason()) {
            case KEY_IN_USE -> {
                status = HttpStatus.CONFLICT;
                type = KEY_IN_USE;
                title = "Request with this idempotency key in progress";
            }
            case KEY_REUSED -> {
                status = HttpStatus.UNPROCESSABLE_CONTENT;
                type = KEY_REUSED;
                title = "Idempotency key reused with another request";
            }
            case BODY_TOO_LARGE -> {
                status = HttpStatus.CONTENT_TOO_LARGE;
                type = BODY_TOO_LARGE;
                title = "Request body too large for an idempotency key";
            }
            default -> {
                status = HttpStatus.BAD_REQUEST;
                type = INVALID_KEY;
                title = "Missing or invalid idempotency key";
            }
        }
        return ProblemAnswers.answer(
                ProblemAnswers.problem(status, type, title, String.valueOf(e.getMessage())),
                e.reason() == IdempotencyException.Reason.KEY_IN_USE ? keyInUseRetryAfter : null);
    }
}
