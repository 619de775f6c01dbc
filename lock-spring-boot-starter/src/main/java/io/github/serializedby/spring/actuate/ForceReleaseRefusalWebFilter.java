package io.github.serializedby.spring.actuate;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The WebFlux counterpart of {@link ForceReleaseRefusalFilter}: answers a force-release ({@code DELETE}
 * on the {@code locks} endpoint) that the endpoint's read-only access leaves unmapped with the same 405
 * and problem detail instead of a 404. Unordered, it runs after Spring Security's web filter chain.
 */
public final class ForceReleaseRefusalWebFilter implements WebFilter {

    private final String lockPathPrefix;

    /** Refuses {@code DELETE} below {@code endpointPath}, the {@code locks} endpoint's path (e.g. /actuator/locks). */
    public ForceReleaseRefusalWebFilter(String endpointPath) {
        this.lockPathPrefix = endpointPath + "/";
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!ForceReleaseRefusal.isForceRelease(
                request.getMethod().name(),
                request.getPath().pathWithinApplication().value(),
                lockPathPrefix)) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.METHOD_NOT_ALLOWED);
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.ALLOW, "");
        headers.setContentType(MediaType.parseMediaType(ForceReleaseRefusal.CONTENT_TYPE));
        headers.setContentLength(ForceReleaseRefusal.BODY.length);
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(ForceReleaseRefusal.BODY)));
    }
}
