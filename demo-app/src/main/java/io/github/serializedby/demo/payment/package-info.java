/**
 * Payments created empty with {@code POST /payments} and conducted with {@code PUT /payments/{id}}
 * through a slow third party; a second PUT while one is in progress is turned away with 409.
 */
@NullMarked
package io.github.serializedby.demo.payment;

import org.jspecify.annotations.NullMarked;
