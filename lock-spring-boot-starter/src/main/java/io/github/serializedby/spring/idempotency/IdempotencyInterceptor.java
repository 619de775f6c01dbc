package io.github.serializedby.spring.idempotency;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.StoredResponse;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockException;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.idempotency.IdempotencyException.Reason;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.util.WebUtils;

/**
 * Honours idempotency keys on {@link Idempotent} handler methods. Before the handler: validate the key,
 * buffer the body (up to {@link IdempotencySettings#maxBodySize()}, else 413) to fingerprint the request,
 * take the lock on the key (fail-fast: a concurrent request with the key gets 409), and replay a stored
 * response if there is one for the same request (422 for another request). After it, once the response
 * is written (for an asynchronous handler, when its result is): store the response unless a retry
 * could get another answer, then release the lock. Never stored: 408, 409, 425, 429, server errors,
 * the library's own lock and idempotency problems, responses larger than the limit.
 */
public final class IdempotencyInterceptor implements AsyncHandlerInterceptor {

    /** The lock name under which keys are locked. */
    public static final String LOCK_NAME = "idempotency";

    /** Response header, set to false, on a response to a key that was not stored, so a retry runs again. */
    public static final String NOT_STORED_HEADER = "Idempotent-Stored";

    /** Longest key accepted; the IETF draft sets none, Stripe's is 255. */
    public static final int MAX_KEY_LENGTH = 255;

    /** Statuses a retry may well not get again: timeout, conflict, too early, too many requests. */
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 409, 425, 429);

    private static final String PENDING = IdempotencyInterceptor.class.getName() + ".pending";

    private final IdempotencyStore store;
    private final LockProvider locks;
    private final Clock clock;
    private final IdempotencySettings settings;
    private final RequestIdentity identity;
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
        this.identity = new RequestIdentity(settings);
        this.placeholders = placeholders;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            // The first dispatch decided, and holds the key until this one has written the result.
            return true;
        }
        Idempotent idempotent =
                handler instanceof HandlerMethod method ? method.getMethodAnnotation(Idempotent.class) : null;
        if (idempotent == null) {
            return true;
        }
        String header = request.getHeader(settings.headerName());
        if (header == null) {
            if (idempotent.required()) {
                throw new IdempotencyException(
                        Reason.INVALID_KEY, "This request needs an " + settings.headerName() + " header");
            }
            return true;
        }
        String scope = identity.scope(request);
        String key = scope + identity.parseKey(header);
        String fingerprint = identity.fingerprint(request, scope);
        Lease lease = locks.tryAcquire(LockRequest.exclusive(LOCK_NAME, key))
                .orElseThrow(() -> new IdempotencyException(
                        Reason.KEY_IN_USE,
                        "A request with this " + settings.headerName() + " is still being processed"));
        try {
            Optional<StoredResponse> stored = store.find(key);
            if (stored.isPresent()) {
                if (!stored.get().fingerprint().equals(fingerprint)) {
                    throw new IdempotencyException(
                            Reason.KEY_REUSED, "This " + settings.headerName() + " was used with a different request");
                }
                replay(stored.get(), response);
                lease.release();
                return false;
            }
        } catch (RuntimeException | IOException e) {
            lease.release();
            throw e;
        }
        CapturingResponse capturing = WebUtils.getNativeResponse(response, CapturingResponse.class);
        if (capturing != null) {
            capturing.capture(settings.maxBodySize());
        }
        request.setAttribute(PENDING, new Pending(key, fingerprint, lease, ttl(idempotent), capturing));
        return true;
    }

    /**
     * The handler went asynchronous: {@link #afterCompletion} runs after the async dispatch that writes
     * its result. Should the request end without one (the client went away), the key is released then.
     */
    @Override
    public void afterConcurrentHandlingStarted(
            HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(PENDING) instanceof Pending pending && request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new ReleaseWhenComplete(pending.lease()));
        }
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, @Nullable Exception ex) {
        if (!(request.getAttribute(PENDING) instanceof Pending pending)) {
            return;
        }
        request.removeAttribute(PENDING);
        try {
            CapturingResponse capturing = pending.capturing();
            byte[] body = capturing != null ? capturing.capturedBody() : null;
            if (ex == null && body != null && storable(request, response.getStatus())) {
                store.save(pending.key(), capture(response, body, pending));
            } else if (capturing != null) {
                capturing.markNotStored();
            }
        } finally {
            pending.lease().release();
        }
    }

    /** Whether a retry must get this answer again, rather than run again. */
    private static boolean storable(HttpServletRequest request, int status) {
        Object handled = request.getAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE);
        return status < 500
                && !RETRYABLE_STATUSES.contains(status)
                && !(handled instanceof LockException)
                && !(handled instanceof IdempotencyException);
    }

    private StoredResponse capture(HttpServletResponse response, byte[] body, Pending pending) {
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
                body,
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

    /** The annotation's time to live, resolved and parsed once per distinct value. */
    private Duration ttl(Idempotent idempotent) {
        return ttls.computeIfAbsent(idempotent.ttl(), written -> {
            String ttl = placeholders.apply(written);
            return ttl.isBlank() ? settings.ttl() : DurationStyle.detectAndParse(ttl);
        });
    }

    private record Pending(
            String key,
            String fingerprint,
            Lease lease,
            Duration ttl,
            @Nullable CapturingResponse capturing) {}

    /** Releases the key when an asynchronous request ends, however it ends; a no-op after a normal end. */
    private record ReleaseWhenComplete(Lease lease) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            lease.release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }
}
