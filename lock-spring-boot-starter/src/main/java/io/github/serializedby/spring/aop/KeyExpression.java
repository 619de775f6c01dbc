package io.github.serializedby.spring.aop;

import org.jspecify.annotations.Nullable;

/** One compiled {@code @SerializedBy} key expression. */
interface KeyExpression {

    /** The value of the expression for one call; null when it is null. */
    @Nullable
    Object evaluate(@Nullable Object[] arguments, @Nullable Object target);

    /** The expression as written. */
    String source();
}
