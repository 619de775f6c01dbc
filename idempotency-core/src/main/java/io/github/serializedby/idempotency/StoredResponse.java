package io.github.serializedby.idempotency;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The response to the first request made with an idempotency key, kept to answer its retries.
 *
 * @param fingerprint a digest of the request (method, path, body, caller scope): a retry must match it
 * @param status the HTTP status
 * @param headers the headers kept, by name
 * @param body the body, byte for byte
 * @param expiresAt when the store may forget it
 */
public record StoredResponse(
        String fingerprint, int status, Map<String, List<String>> headers, byte[] body, Instant expiresAt) {

    /** Copies the headers and body, so the record stays as it was stored. */
    public StoredResponse {
        Objects.requireNonNull(fingerprint, "fingerprint");
        headers = Map.copyOf(headers);
        body = body.clone();
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The body, as a copy. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The length of the body, without copying it. */
    public int bodyLength() {
        return body.length;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof StoredResponse that
                && status == that.status
                && fingerprint.equals(that.fingerprint)
                && headers.equals(that.headers)
                && Arrays.equals(body, that.body)
                && expiresAt.equals(that.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fingerprint, status, headers, Arrays.hashCode(body), expiresAt);
    }

    @Override
    public String toString() {
        return "StoredResponse[status=" + status + ", bytes=" + body.length + ", expiresAt=" + expiresAt + "]";
    }
}
