/**
 * HTTP answers to lock and idempotency failures in Spring MVC and WebFlux, as RFC 9457 problem details:
 * 409 with {@code Retry-After} for a key held by another call, 429 (503 for the application's bound) with
 * {@code Retry-After} for a call refused by a bound on waiting, 400 for a key that cannot be locked, 503 for a
 * provider that cannot be reached; a browser asking for HTML gets Spring Boot's error view instead.
 * The advices have the lowest order, so an application's own exception handlers win.
 */
@NullMarked
package io.github.serializedby.spring.web;

import org.jspecify.annotations.NullMarked;
