package io.github.serializedby.spring.web;

import io.github.serializedby.lock.LockException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.servlet.ModelAndView;

/**
 * The Spring MVC {@link LockProblemDetailsAdvice}, which answers a client that prefers {@code text/html} (a
 * browser, an HTML form) with Spring Boot's error view instead of problem details: the same status and
 * {@code Retry-After}, the view of the {@link ErrorViewResolver}s ({@code error/409.html} and the like) or
 * else the {@code error} view (the whitelabel page), with Boot's error attributes and the problem's
 * {@code title}, {@code detail} and {@code type} in the model ({@code message} is the detail). Any other
 * client, one that accepts anything included, gets the problem details.
 */
public class LockErrorViewAdvice extends LockProblemDetailsAdvice
        implements LockErrorPages<ModelAndView, ServletWebRequest> {

    private final List<ErrorViewResolver> errorViewResolvers;

    /**
     * @param contentionStatus the status when the key is held, usually 409
     * @param contentionRetryAfter the {@code Retry-After} of that answer, rounded up to whole seconds
     * @param errorViewResolvers the resolvers of error views, in their order
     */
    public LockErrorViewAdvice(
            HttpStatusCode contentionStatus,
            Duration contentionRetryAfter,
            List<ErrorViewResolver> errorViewResolvers) {
        super(contentionStatus, contentionRetryAfter);
        this.errorViewResolvers = List.copyOf(errorViewResolvers);
    }

    /** The error view of {@code failure}, showing the problem answer it gets, with its status and headers. */
    @Override
    public ModelAndView lockFailurePage(LockException failure, ServletWebRequest request) {
        HttpServletResponse response = request.getResponse();
        if (response == null) {
            throw new IllegalStateException("No response to render the error page of " + failure, failure);
        }
        return errorView(answer(failure), request.getRequest(), response);
    }

    /** The error view of {@code answer}, as Spring Boot's error controller resolves it, with its headers. */
    private ModelAndView errorView(
            ResponseEntity<ProblemDetail> answer, HttpServletRequest request, HttpServletResponse response) {
        answer.getHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        HttpStatusCode code = answer.getStatusCode();
        HttpStatus status = HttpStatus.resolve(code.value());
        Map<String, Object> model = model(answer, status, request);
        if (status != null) {
            for (ErrorViewResolver resolver : errorViewResolvers) {
                ModelAndView view = resolver.resolveErrorView(request, status, model);
                if (view != null) {
                    view.setStatus(code);
                    return view;
                }
            }
        }
        return new ModelAndView("error", model, code);
    }

    /** Spring Boot's error attributes of the answer, and the problem's title, detail and type. */
    private static Map<String, Object> model(
            ResponseEntity<ProblemDetail> answer, @Nullable HttpStatus status, HttpServletRequest request) {
        ProblemDetail problem = answer.getBody();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("timestamp", new Date());
        model.put("status", answer.getStatusCode().value());
        model.put(
                "error",
                status != null
                        ? status.getReasonPhrase()
                        : "Http Status " + answer.getStatusCode().value());
        model.put("path", request.getRequestURI());
        if (problem != null) {
            putIfPresent(model, "message", problem.getDetail());
            putIfPresent(model, "title", problem.getTitle());
            putIfPresent(model, "detail", problem.getDetail());
            putIfPresent(model, "type", problem.getType());
        }
        return model;
    }

    private static void putIfPresent(Map<String, Object> model, String name, @Nullable Object value) {
        if (value != null) {
            model.put(name, value);
        }
    }
}
