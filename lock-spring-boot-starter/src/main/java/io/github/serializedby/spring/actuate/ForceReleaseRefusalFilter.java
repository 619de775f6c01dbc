package io.github.serializedby.spring.actuate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a force-release ({@code DELETE} on the {@code locks} endpoint) that the endpoint's read-only
 * access leaves unmapped with 405, an empty {@code Allow} (RFC 9110: the resource is disabled by
 * configuration) and a problem detail naming the property that enables it, instead of the 404 of a
 * mistyped URL. It runs after security filters, so it answers only callers that got that far. {@link
 * ForceReleaseRefusalWebFilter} answers the same in a WebFlux application.
 */
public final class ForceReleaseRefusalFilter extends OncePerRequestFilter {

    /** The problem type of the answer. */
    public static final String TYPE = ForceReleaseRefusal.TYPE;

    private final String lockPathPrefix;

    /** Refuses {@code DELETE} below {@code endpointPath}, the {@code locks} endpoint's path (e.g. /actuator/locks). */
    public ForceReleaseRefusalFilter(String endpointPath) {
        this.lockPathPrefix = endpointPath + "/";
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ForceReleaseRefusal.isForceRelease(
                request.getMethod(), request.getRequestURI(), request.getContextPath() + lockPathPrefix);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        response.setHeader("Allow", "");
        response.setContentType(ForceReleaseRefusal.CONTENT_TYPE);
        response.setContentLength(ForceReleaseRefusal.BODY.length);
        response.getOutputStream().write(ForceReleaseRefusal.BODY);
    }
}
