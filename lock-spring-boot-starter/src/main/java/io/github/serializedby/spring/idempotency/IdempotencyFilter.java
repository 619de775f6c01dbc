package io.github.serializedby.spring.idempotency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * Wraps requests that carry an idempotency key so that, once the handler turns out to be {@code
 * Idempotent}, the interceptor can buffer the body (up to a limit) to fingerprint it and hold the
 * response back to store it. The wrappers read and hold nothing by themselves: a request to any other
 * handler streams as if unwrapped. Requests without the header pass untouched.
 */
public final class IdempotencyFilter extends OncePerRequestFilter implements Ordered {

    /**
     * Just after Spring Security's filter chain (-100), and before the request wrappers' limit (0):
     * nothing is buffered before the caller is authenticated, and the interceptor runs later still.
     */
    public static final int ORDER = -90;

    private static final String WRAPPERS = IdempotencyFilter.class.getName() + ".wrappers";

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
        CapturingResponse capturing = WebUtils.getNativeResponse(response, CapturingResponse.class);
        if (capturing != null) {
            // An async dispatch given the wrappers of the first dispatch.
            doFilter(request, capturing, response, chain);
            return;
        }
        Wrappers wrappers = request.getAttribute(WRAPPERS) instanceof Wrappers earlier
                ? earlier
                : new Wrappers(new BufferedBodyRequest(request), new CapturingResponse(response));
        request.setAttribute(WRAPPERS, wrappers);
        doFilter(wrappers.request(), wrappers.response(), wrappers.response(), chain);
    }

    private static void doFilter(
            HttpServletRequest request, CapturingResponse capturing, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (!request.isAsyncStarted()) {
                capturing.finish();
            }
        }
    }

    /** Async dispatches go through the filter too: the response of an async handler is written then. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private record Wrappers(BufferedBodyRequest request, CapturingResponse response) {}
}
