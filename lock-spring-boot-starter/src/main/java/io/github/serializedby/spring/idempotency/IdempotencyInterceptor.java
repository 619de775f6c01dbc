package io.github.serializedby.spring.idempotency;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.idempotency.IdempotencyStore;
import io.github.serializedby.lock.idempotency.StoredResponse;
import io.github.serializedby.spring.IdempotencyException;
import io.github.serializedby.spring.IdempotencyException.Reason;
import io.github.serializedby.spring.Idempotent;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.WebUtils;

/**
 * Honours idempotency keys on {@link Idempotent} handler methods. Before the handler: validate the key,
 * take the lock on it (fail-fast: a concurrent request with the key gets 409), and replay a stored
 * response if there is one for the same request (422 for another request). After it: store the
 * response unless it is a server error, then release the lock.
 */
public final class IdempotencyInterceptor implements HandlerInterceptor {

    /** The lock name under which keys are locked. */
    public static final String LOCK_NAME = "idempotency";

    private static final int MAX_KEY_LENGTH = 255;
    private static final String PENDING = IdempotencyInterceptor.class.getName() + ".pending";

    private final IdempotencyStore store;
    private final LockProvider locks;
    private final Clock clock;
    private final IdempotencySettings settings;
    private final UnaryOperator<String> placeholders;
    private final Map<String, Duration> ttls = new ConcurrentHashMap<>();

    public IdempotencyInterceptor(
            IdempotencyStore store,
            LockProvider locks,
            Clock clock,
            IdempotencySettings settings,
            UnaryOperator<String> placeholders) {
        this.store = store;
        this.locks = locks;
        this.clock = clock;
        this.settings = settings;
        this.placeholders = placeholders;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        Idempotent idempotent =
                handler instanceof HandlerMethod method ? method.getMethodAnnotation(Idempotent.class) : null;
        if (idempotent == null) {
            return true;
        }
        String header = request.getHeader(settings.headerName());
        if (header == null) {
            if (idempotent.required()) {
                throw new IdempotencyException(
                        Reason.INVALID_KEY, "This request needs an " + settings.headerName() + " header", null);
            }
            return true;
        }
        String key = scope(request) + parseKey(header);
        String fingerprint = fingerprint(request);
        Lease lease = locks.tryAcquire(LockRequest.exclusive(LOCK_NAME, key))
                .orElseThrow(() -> new IdempotencyException(
                        Reason.KEY_IN_USE,
                        "A request with this " + settings.headerName() + " is still being processed",
                        settings.retryAfter()));
        try {
            Optional<StoredResponse> stored = store.find(key);
            if (stored.isPresent()) {
                if (!stored.get().fingerprint().equals(fingerprint)) {
                    throw new IdempotencyException(
                            Reason.KEY_REUSED,
                            "This " + settings.headerName() + " was used with a different request",
                            null);
                }
                replay(stored.get(), response);
                lease.release();
                return false;
            }
        } catch (RuntimeException | IOException e) {
            lease.release();
            throw e;
        }
        request.setAttribute(PENDING, new Pending(key, fingerprint, lease, ttl(idempotent)));
        return true;
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable Exception ex) {
        if (!(request.getAttribute(PENDING) instanceof Pending pending)) {
            return;
        }
        request.removeAttribute(PENDING);
        try {
            ContentCachingResponseWrapper caching =
                    WebUtils.getNativeResponse(response, ContentCachingResponseWrapper.class);
            if (ex == null && caching != null && response.getStatus() < 500) {
                store.save(pending.key(), capture(response, caching, pending));
            }
        } finally {
            pending.lease().release();
        }
    }

    private StoredResponse capture(
            HttpServletResponse response, ContentCachingResponseWrapper caching, Pending pending) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : settings.storedHeaders()) {
            List<String> values = new ArrayList<>(response.getHeaders(name));
            if (!values.isEmpty()) {
                headers.put(name, values);
            }
        }
        return new StoredResponse(
                pending.fingerprint(),
                response.getStatus(),
                headers,
                caching.getContentAsByteArray(),
                clock.instant().plus(pending.ttl()));
    }

    private void replay(StoredResponse stored, HttpServletResponse response) throws IOException {
        response.setStatus(stored.status());
        stored.headers().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setHeader(settings.replayHeader(), "true");
        byte[] body = stored.body();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private String parseKey(String header) {
        String key = header.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IdempotencyException(
                    Reason.INVALID_KEY,
                    settings.headerName() + " must have between 1 and " + MAX_KEY_LENGTH + " characters",
                    null);
        }
        return key;
    }

    private String scope(HttpServletRequest request) {
        if (!settings.scopeByPrincipal()) {
            return "";
        }
        Principal principal = request.getUserPrincipal();
        return (principal != null ? principal.getName() : "anonymous") + "\u0000";
    }

    /** A digest of what makes two requests the same operation: method, path and query, body, caller. */
    private String fingerprint(HttpServletRequest request) {
        MessageDigest digest = sha256();
        digest.update((request.getMethod() + " " + request.getRequestURI() + "?" + request.getQueryString() + "\n"
                        + scope(request))
                .getBytes(StandardCharsets.UTF_8));
        BufferedBodyRequest buffered = WebUtils.getNativeRequest(request, BufferedBodyRequest.class);
        if (buffered != null) {
            digest.update(buffered.body());
        } else {
            new TreeMap<>(request.getParameterMap())
                    .forEach((name, values) -> digest.update(
                            (name + "=" + String.join(",", values) + "&").getBytes(StandardCharsets.UTF_8)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The annotation's time to live, resolved and parsed once per distinct value. */
    private Duration ttl(Idempotent idempotent) {
        return ttls.computeIfAbsent(idempotent.ttl(), written -> {
            String ttl = placeholders.apply(written);
            return ttl.isBlank() ? settings.ttl() : DurationStyle.detectAndParse(ttl);
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private record Pending(String key, String fingerprint, Lease lease, Duration ttl) {}
}
