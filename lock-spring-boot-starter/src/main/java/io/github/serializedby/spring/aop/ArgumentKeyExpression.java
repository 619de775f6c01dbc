package io.github.serializedby.spring.aop;

import java.lang.reflect.Method;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ReflectionUtils;

/**
 * The fast path for {@code #param} and {@code #param.property.property}: reads the argument and calls
 * the getters directly, giving the value SpEL would, without an evaluation context. A null along the
 * path gives null. The row "{@code @SerializedBy} call vs plain call ≤ +100 ns" depends on it: SpEL
 * compiled in {@code MIXED} mode instead adds about 130 ns to that call with the per-call context that
 * {@link SpelKeyExpression} builds, and 7 to 17 ns with the leanest context (benchmark {@code
 * KeyPathBenchmark} and docs/benchmarks.md, 2026-12-01).
 */
final class ArgumentKeyExpression implements KeyExpression {

    private final String source;
    private final int index;
    private final Method[] getters;

    ArgumentKeyExpression(String source, int index, List<Method> getters) {
        this.source = source;
        this.index = index;
        this.getters = getters.toArray(Method[]::new);
        for (Method getter : this.getters) {
            ReflectionUtils.makeAccessible(getter);
        }
    }

    @Override
    public @Nullable Object evaluate(@Nullable Object[] arguments, @Nullable Object target) {
        Object value = arguments[index];
        for (Method getter : getters) {
            if (value == null) {
                return null;
            }
            value = ReflectionUtils.invokeMethod(getter, value);
        }
        return value;
    }

    @Override
    public String source() {
        return source;
    }
}
