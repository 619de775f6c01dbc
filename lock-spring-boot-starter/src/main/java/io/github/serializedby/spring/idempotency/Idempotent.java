package io.github.serializedby.spring.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Spring MVC handler method idempotent by the {@code Idempotency-Key} request header (IETF
 * httpapi draft "The Idempotency-Key HTTP Header Field"): the first request with a key runs, under a
 * lock on the key, and its response (status, selected headers, body) is stored with a fingerprint of
 * the request; a retry with the same key and request gets that response again, marked as a replay,
 * without the method running. The same key while the first request runs gets 409; with another
 * payload, 422; a missing key, 400 when required.
 *
 * <pre>{@code
 * @PostMapping("/payments")
 * @Idempotent
 * ResponseEntity<Payment> create(@RequestBody NewPayment payment) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

    /** Whether a request without the header is refused (400); otherwise it simply runs. */
    boolean required() default true;

    /**
     * How long the response is kept for retries, as {@code 10m}, {@code 24h} or ISO-8601; defaults to
     * {@code serialized-by.idempotency.ttl}. Accepts {@code ${...}} placeholders.
     */
    String ttl() default "";
}
