package io.github.serializedby.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.InvalidLockKeyException;
import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockInterruptedException;
import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockQueueFullException;
import io.github.serializedby.lock.LockQueueFullException.Bound;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.NullLockKeyException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * The error pages of Spring MVC and WebFlux cover exactly the failures the problem advice answers, each with
 * the answer of that failure's own handler.
 */
class LockErrorPagesTests {

    /** One failure of each kind the problem advice answers. */
    private static final List<LockException> FAILURES = List.of(
            new LockQueueFullException("tickets", Bound.KEY, 3, Duration.ofMillis(400)),
            new LockNotAcquiredException("tickets", LockPolicy.FAIL_FAST, Duration.ZERO),
            new NullLockKeyException("tickets", "#id", "Tickets.buy"),
            new InvalidLockKeyException("tickets", "too long"),
            new LockProviderUnavailableException("tickets", new IOException("connection refused")),
            new LockInterruptedException("tickets", new InterruptedException()),
            new StaleFencingTokenException("tickets", 3, 5));

    private final LockProblemDetailsAdvice advice =
            new LockProblemDetailsAdvice(HttpStatus.CONFLICT, Duration.ofSeconds(1));

    @Test
    void theFailuresHereAreThoseTheProblemAdviceHasAHandlerFor() {
        assertThat(FAILURES.stream().map(Object::getClass).collect(Collectors.toSet()))
                .isEqualTo(Arrays.stream(LockProblemDetailsAdvice.class.getDeclaredMethods())
                        .filter(method -> method.isAnnotationPresent(ExceptionHandler.class))
                        .map(method -> method.getParameterTypes()[0])
                        .collect(Collectors.toSet()));
    }

    @Test
    void aBrowserGetsTheErrorPageOfEveryFailureInBothWebStacks() {
        for (Class<?> pages : List.of(LockErrorViewAdvice.class, ReactiveLockErrorViewAdvice.class)) {
            ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(pages);
            for (LockException failure : FAILURES) {
                assertThat(resolver.resolveExceptionMapping(failure, MediaType.TEXT_HTML))
                        .as("%s for a browser in %s", failure.getClass().getSimpleName(), pages.getSimpleName())
                        .isNotNull()
                        .satisfies(mapping ->
                                assertThat(mapping.getHandlerMethod().getName()).isEqualTo("lockFailurePage"));
                assertThat(resolver.resolveExceptionMapping(failure, MediaType.APPLICATION_JSON))
                        .as("%s for an API client in %s", failure.getClass().getSimpleName(), pages.getSimpleName())
                        .isNotNull()
                        .satisfies(mapping ->
                                assertThat(mapping.getHandlerMethod().getName()).isNotEqualTo("lockFailurePage"));
            }
        }
    }

    @Test
    void theErrorPageShowsTheAnswerOfTheFailuresOwnHandler() {
        ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(LockProblemDetailsAdvice.class);
        for (LockException failure : FAILURES) {
            Method handler = resolver.resolveMethod(failure);
            assertThat(handler).isNotNull();
            ResponseEntity<?> own = (ResponseEntity<?>) ReflectionUtils.invokeMethod(handler, advice, failure);
            ResponseEntity<ProblemDetail> page = advice.answer(failure);

            assertThat(page.getStatusCode()).as(handler.getName()).isEqualTo(own.getStatusCode());
            assertThat(page.getHeaders()).as(handler.getName()).isEqualTo(own.getHeaders());
            assertThat(page.getBody()).as(handler.getName()).isEqualTo(own.getBody());
        }
    }
}
