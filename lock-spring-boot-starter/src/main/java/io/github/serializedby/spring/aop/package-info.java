/**
 * The machinery behind {@code @SerializedBy}: the advisor and interceptor, compiled key expressions and
 * start-up validation. Not an API: types here change without notice.
 */
@NullMarked
package io.github.serializedby.spring.aop;

import org.jspecify.annotations.NullMarked;
