package io.github.serializedby.spring.web;

import io.github.serializedby.lock.LockException;
import java.time.Duration;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The Spring WebFlux {@link LockProblemDetailsAdvice}, which hands a client that prefers {@code text/html} to
 * Spring Boot's {@link ErrorWebExceptionHandler}: its error view ({@code error/409.html} and the like, or the
 * whitelabel page) with the answer's status and {@code Retry-After}, and the problem's detail as the {@code
 * message} where {@code server.error.include-message} lets Boot show it. Boot builds that view's model from its
 * error attributes alone, so the title is not in it. Any other client gets the problem details.
 */
public class ReactiveLockErrorViewAdvice extends LockProblemDetailsAdvice
        implements LockErrorPages<Mono<Void>, ServerWebExchange> {

    private final ErrorWebExceptionHandler errorHandler;

    /**
     * @param contentionStatus the status when the key is held, usually 409
     * @param contentionRetryAfter the {@code Retry-After} of that answer, rounded up to whole seconds
     * @param errorHandler Spring Boot's handler, which renders the error view
     */
    public ReactiveLockErrorViewAdvice(
            HttpStatusCode contentionStatus, Duration contentionRetryAfter, ErrorWebExceptionHandler errorHandler) {
        super(contentionStatus, contentionRetryAfter);
        this.errorHandler = errorHandler;
    }

    /** Spring Boot's error view of {@code failure}, with the status and headers of its problem answer. */
    @Override
    public Mono<Void> lockFailurePage(LockException failure, ServerWebExchange exchange) {
        return errorView(answer(failure), failure, exchange);
    }

    /** Spring Boot's error view of {@code answer}, with its headers. */
    private Mono<Void> errorView(ResponseEntity<ProblemDetail> answer, Exception failure, ServerWebExchange exchange) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        answer.getHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                headers.addAll(name, values);
            }
        });
        ProblemDetail problem = answer.getBody();
        String detail = problem != null ? problem.getDetail() : null;
        return errorHandler.handle(exchange, new ResponseStatusException(answer.getStatusCode(), detail, failure));
    }
}
