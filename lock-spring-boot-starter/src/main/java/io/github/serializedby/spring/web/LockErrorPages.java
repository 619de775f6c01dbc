package io.github.serializedby.spring.web;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.NullLockKeyException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * The error page a client that prefers {@code text/html} gets for each failure {@link LockProblemDetailsAdvice}
 * answers, declared once for Spring MVC and WebFlux. Spring picks the handler of the closest exception type
 * before the media type, so the page is declared for exactly the types of the problem advice's handlers.
 *
 * @param <V> what the web stack renders a page with
 * @param <R> the request, as the web stack hands it to an exception handler
 */
interface LockErrorPages<V, R> {

    /** The error page of {@code failure}, showing the problem answer {@link LockProblemDetailsAdvice} gives. */
    @ExceptionHandler(
            value = {
                LockQueueFullException.class,
                LockNotAcquiredException.class,
                NullLockKeyException.class,
                InvalidLockKeyException.class,
                LockProviderUnavailableException.class,
                LockInterruptedException.class,
                StaleFencingTokenException.class
            },
            produces = MediaType.TEXT_HTML_VALUE)
    V lockFailurePage(LockException failure, R request);
}
