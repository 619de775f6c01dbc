package io.github.serializedby.spring.web;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.NullLockKeyException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * Retry-After}, a caller refused at once by a bound on waiting with 429 (503 when the whole application's
 * bound refused it) and {@code Retry-After}, a call refused by its fence because its lock was lost with 409,
 * a null key or a key that cannot be locked (too long, not valid text) with 400, an unreachable provider with
 * 503 and {@code Retry-After}. The {@code Retry-After} hints are decided here, since they are HTTP's concern
 * and not the lock's. Its order is the lowest, so an application's own {@code @ExceptionHandler} for these
 * exceptions wins. Problem types are stable URNs under {@value #TYPE_PREFIX}. Details name the lock, never
 * the key.
 *
 * <p>An unreachable provider is also logged (WARN, naming the lock and the cause's class, not its message,
 * which may hold a key; the cause itself at DEBUG), at most once per {@link #UNAVAILABLE_LOG_INTERVAL},
 * counting the answers left out in between: an outage leaves a line in the log without flooding it.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class LockProblemDetailsAdvice {

    /** The prefix of the problem types this advice answers with. */
    public static final String TYPE_PREFIX = "urn:serialized-by:problem:";

    /** Type of the answer when the key is held by another caller. */
    public static final URI LOCK_CONFLICT = URI.create(TYPE_PREFIX + "lock-conflict");

    /** Type of the answer when too many callers already wait for the key, or for the lock's keys. */
    public static final URI LOCK_QUEUE_FULL = URI.create(TYPE_PREFIX + "lock-queue-full");

    /** Type of the answer when the callers ahead would outlast the caller's wait timeout. */
    public static final URI LOCK_WAIT_TOO_LONG = URI.create(TYPE_PREFIX + "lock-wait-too-long");

    /** Type of the answer when too many callers wait for locks across the whole application. */
    public static final URI LOCK_WAITERS_SATURATED = URI.create(TYPE_PREFIX + "lock-waiters-saturated");

    /** The longest {@code Retry-After} of an answer to a caller refused by a bound on waiting. */
    public static final Duration MAX_QUEUE_FULL_RETRY_AFTER = Duration.ofSeconds(30);

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

    private static final Answer QUEUE_FULL =
            new Answer(HttpStatus.TOO_MANY_REQUESTS, LOCK_QUEUE_FULL, "Too many requests waiting for a lock", null);

    private static final Answer WAIT_TOO_LONG =
            new Answer(HttpStatus.TOO_MANY_REQUESTS, LOCK_WAIT_TOO_LONG, "Lock wait would outlast its timeout", null);

    private static final Answer WAITERS_SATURATED = new Answer(
            HttpStatus.SERVICE_UNAVAILABLE, LOCK_WAITERS_SATURATED, "Too many requests waiting for locks", null);

    private final Answer conflict;
    private final Duration contentionRetryAfter;

    /** The shortest time between two log lines about an unreachable provider. */
    public static final Duration UNAVAILABLE_LOG_INTERVAL = Duration.ofSeconds(10);

    private static final Log LOG = LogFactory.getLog(LockProblemDetailsAdvice.class);

    private final AtomicLong nextUnavailableLog = new AtomicLong(System.nanoTime());
    private final AtomicLong unavailableNotLogged = new AtomicLong();

    /**
     * @param contentionStatus the status when the key is held, usually 409
     * @param contentionRetryAfter the {@code Retry-After} of that answer, rounded up to whole seconds
     */
    public LockProblemDetailsAdvice(HttpStatusCode contentionStatus, Duration contentionRetryAfter) {
        this.conflict =
                new Answer(contentionStatus, LOCK_CONFLICT, "Lock held by another request", contentionRetryAfter);
        this.contentionRetryAfter = contentionRetryAfter;
    }

    /**
     * The problem answer to any lock failure this advice has a handler for, as that handler gives it: the
     * one mapping from failure to answer, which the error-view advices render for browsers.
     *
     * @throws IllegalArgumentException for a failure no handler of this advice answers
     */
    protected final ResponseEntity<ProblemDetail> answer(LockException failure) {
        if (failure instanceof LockQueueFullException queueFull) {
            return lockQueueFull(queueFull);
        } else if (failure instanceof LockNotAcquiredException notAcquired) {
            return lockNotAcquired(notAcquired);
        } else if (failure instanceof NullLockKeyException nullKey) {
            return nullLockKey(nullKey);
        } else if (failure instanceof InvalidLockKeyException invalidKey) {
            return invalidLockKey(invalidKey);
        } else if (failure instanceof LockProviderUnavailableException unavailable) {
            return providerUnavailable(unavailable);
        } else if (failure instanceof LockInterruptedException interrupted) {
            return interrupted(interrupted);
        } else if (failure instanceof StaleFencingTokenException stale) {
            return staleFencingToken(stale);
        }
        throw new IllegalArgumentException(
                "No problem answer for " + failure.getClass().getName(), failure);
    }

    /**
     * A caller refused at once by a bound on waiting: 429 when its key, its lock or its expected wait
     * refused it (this resource is asked for too often; other requests are served), 503 when the
     * application's bound did (this instance is saturated as a whole; another instance may serve it).
     */
    @ExceptionHandler
    public ResponseEntity<ProblemDetail> lockQueueFull(LockQueueFullException e) {
        String ahead = e.waiters() == 1 ? "1 request" : e.waiters() + " requests";
        String lock = "Lock '" + e.lockName() + "'";
        String detail = switch (e.bound()) {
            case KEY -> lock + " already has " + ahead + " waiting for the same key";
            case LOCK -> lock + " already has " + ahead + " waiting across its keys";
            case GLOBAL ->
                "This application already has " + ahead + " waiting for locks (this one for lock '" + e.lockName()
                        + "')";
            case EXPECTED_WAIT -> lock + " has " + ahead + " ahead that would outlast the wait timeout";
        };
        Answer answer = switch (e.bound()) {
            case KEY, LOCK -> QUEUE_FULL;
            case EXPECTED_WAIT -> WAIT_TOO_LONG;
            case GLOBAL -> WAITERS_SATURATED;
        };
        return answer.retryingAfter(queueFullRetryAfter(e))
                .to(
                        e,
                        detail + "; this request was refused without waiting. Retry later.",
                        Map.of("bound", e.bound().name(), "waiters", e.waiters()));
    }

    /**
     * When the callers ahead will have gone through at the key's recent hold time, at most {@link
     * #MAX_QUEUE_FULL_RETRY_AFTER}; the contention hint when the hold time is unknown.
     */
    private Duration queueFullRetryAfter(LockQueueFullException e) {
        Duration hold = e.recentHoldTime();
        if (hold.isZero() || hold.isNegative()) {
            return contentionRetryAfter;
        }
        if (hold.compareTo(MAX_QUEUE_FULL_RETRY_AFTER) >= 0) {
            return MAX_QUEUE_FULL_RETRY_AFTER;
        }
        Duration drained = hold.multipliedBy(Math.max(1, e.waiters()));
        return drained.compareTo(MAX_QUEUE_FULL_RETRY_AFTER) > 0 ? MAX_QUEUE_FULL_RETRY_AFTER : drained;
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
        logUnavailable(e);
        return UNAVAILABLE.to(
                e, "Lock '" + e.lockName() + "' could not be checked, so the request was not processed.", Map.of());
    }

    private void logUnavailable(LockProviderUnavailableException e) {
        long now = System.nanoTime();
        long next = nextUnavailableLog.get();
        if (now - next < 0 || !nextUnavailableLog.compareAndSet(next, now + UNAVAILABLE_LOG_INTERVAL.toNanos())) {
            unavailableNotLogged.incrementAndGet();
            return;
        }
        long left = unavailableNotLogged.getAndSet(0);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LOG.warn("Lock '" + e.lockName() + "': provider unavailable ("
                + cause.getClass().getName()
                + "), answered " + UNAVAILABLE.status().value()
                + (left > 0 ? "; " + left + " more such answers since the last line" : ""));
        if (LOG.isDebugEnabled()) {
            LOG.debug("Lock '" + e.lockName() + "': provider failure", cause);
        }
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

        /** This answer with another {@code Retry-After}. */
        Answer retryingAfter(Duration hint) {
            return new Answer(status, type, title, hint);
        }

        /** The answer to {@code failure}, naming its lock, with {@code properties} added to the problem. */
        ResponseEntity<ProblemDetail> to(LockException failure, String detail, Map<String, ?> properties) {
            ProblemDetail problem = ProblemAnswers.problem(status, type, title, detail);
            problem.setProperty("lockName", failure.lockName());
            properties.forEach(problem::setProperty);
            return ProblemAnswers.answer(problem, retryAfter);
        }
    }
}
