package io.github.serializedby.spring.idempotency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Buffers the body of requests that carry an idempotency key, so the interceptor can fingerprint it,
 * and their response, so it can be stored; requests without the header pass untouched.
 */
public final class IdempotencyFilter extends OncePerRequestFilter implements Ordered {

    /** Early, to wrap the request before others read it; after Spring Boot's form and encoding filters. */
    public static final int ORDER = -9000;

    private final String headerName;

    public IdempotencyFilter(String headerName) {
        this.headerName = headerName;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(headerName) == null) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest buffered = isForm(request) ? request : new BufferedBodyRequest(request);
        ContentCachingResponseWrapper caching = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(buffered, caching);
        } finally {
            caching.copyBodyToResponse();
        }
    }

    private static boolean isForm(HttpServletRequest request) {
        String contentType = request.getContentType();
        return contentType != null && contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
