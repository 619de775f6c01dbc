package io.github.serializedby.spring.idempotency;

import java.time.Duration;
import java.util.List;

/**
 * How idempotency keys are honoured.
 *
 * @param headerName the request header carrying the key
 * @param ttl how long responses are kept by default
 * @param replayHeader the response header marking a replay
 * @param storedHeaders the response headers kept with the body
 * @param scopeByPrincipal whether keys are per caller: each principal, and the unauthenticated, apart
 * @param maxBodySize the largest request body buffered (larger: 413) and response body stored, in bytes
 */
public record IdempotencySettings(
        String headerName,
        Duration ttl,
        String replayHeader,
        List<String> storedHeaders,
        boolean scopeByPrincipal,
        long maxBodySize) {}
