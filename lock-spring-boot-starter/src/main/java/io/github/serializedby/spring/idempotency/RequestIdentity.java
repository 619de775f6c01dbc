package io.github.serializedby.spring.idempotency;

import io.github.serializedby.spring.idempotency.IdempotencyException.Reason;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.web.util.WebUtils;

/**
 * What identifies a request to the {@link IdempotencyInterceptor}: the caller's scope, the key it sent,
 * and the fingerprint that tells a retry of the same request from another request with the same key.
 */
final class RequestIdentity {

    /** Principal names longer than this are scoped by their digest, so stored keys stay short. */
    private static final int MAX_PLAIN_PRINCIPAL_LENGTH = 128;

    private final IdempotencySettings settings;

    RequestIdentity(IdempotencySettings settings) {
        this.settings = settings;
    }

    /**
     * The key: the header's value, surrounding quotes removed (the draft sends it as a structured-field
     * string), of 1 to {@value IdempotencyInterceptor#MAX_KEY_LENGTH} printable ASCII characters.
     */
    String parseKey(String header) {
        String key = header.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isBlank() || key.length() > IdempotencyInterceptor.MAX_KEY_LENGTH) {
            throw invalidKey();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw invalidKey();
            }
        }
        return key;
    }

    private IdempotencyException invalidKey() {
        return new IdempotencyException(
                Reason.INVALID_KEY,
                settings.headerName() + " must have between 1 and " + IdempotencyInterceptor.MAX_KEY_LENGTH
                        + " printable ASCII characters");
    }

    /**
     * Whose key it is: {@code p<length>:<name>:} for an authenticated caller, {@code -:} for the
     * unauthenticated, so no principal's name can give the scope of another or of the unauthenticated;
     * empty when scoping is off.
     */
    String scope(HttpServletRequest request) {
        if (!settings.scopeByPrincipal()) {
            return "";
        }
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return "-:";
        }
        String name = String.valueOf(principal.getName());
        if (name.length() > MAX_PLAIN_PRINCIPAL_LENGTH) {
            return "h:" + HexFormat.of().formatHex(sha256().digest(name.getBytes(StandardCharsets.UTF_8))) + ":";
        }
        return "p" + name.length() + ":" + name + ":";
    }

    /** A digest of what makes two requests the same operation: method, path and query, body, caller. */
    String fingerprint(HttpServletRequest request, String scope) throws IOException {
        MessageDigest digest = sha256();
        digest.update(
                (request.getMethod() + " " + request.getRequestURI() + "?" + request.getQueryString() + "\n" + scope)
                        .getBytes(StandardCharsets.UTF_8));
        long maxBodySize = settings.maxBodySize();
        BufferedBodyRequest buffered = WebUtils.getNativeRequest(request, BufferedBodyRequest.class);
        if (buffered != null && !isForm(request)) {
            byte[] body = buffered.buffer(maxBodySize);
            if (body == null) {
                throw bodyTooLarge();
            }
            digest.update(body);
        } else {
            if (request.getContentLengthLong() > maxBodySize) {
                throw bodyTooLarge();
            }
            new TreeMap<>(request.getParameterMap())
                    .forEach((name, values) -> digest.update(
                            (name + "=" + String.join(",", values) + "&").getBytes(StandardCharsets.UTF_8)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private IdempotencyException bodyTooLarge() {
        return new IdempotencyException(
                Reason.BODY_TOO_LARGE,
                "A request with an " + settings.headerName() + " may have a body of at most " + settings.maxBodySize()
                        + " bytes");
    }

    /** Form bodies may already be parsed into parameters by an earlier filter: those are fingerprinted. */
    private static boolean isForm(HttpServletRequest request) {
        String contentType = request.getContentType();
        return contentType != null && contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
