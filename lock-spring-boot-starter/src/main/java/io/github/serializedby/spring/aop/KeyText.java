package io.github.serializedby.spring.aop;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns key values into lock keys, predictably: text as it is; {@link BigDecimal} in a canonical form
 * (below); other numbers, booleans, characters, UUIDs and records by {@code toString()}; enums by {@code
 * name()}; an {@link Optional} by its content; each element of a collection or array as a key of its own.
 * Null, blank text and empty containers give no key. Text is never copied, so a huge string reaches the
 * length check of {@link io.github.serializedby.lock.LockRequest} as it is.
 *
 * <p>A {@code BigDecimal} key depends on its numeric value only: trailing zeros are stripped ({@code 1.50}
 * and {@code 1.5} give {@code 1.5}), then the value is written in plain notation ({@code 1E+3} gives
 * {@code 1000}) when that takes at most {@value #PLAIN_DECIMAL_MAX_LENGTH} characters, and otherwise in
 * scientific notation ({@code 1E+999999999} stays that, instead of a billion digits).
 */
final class KeyText {

    /** The longest plain notation of a decimal; a longer one is written in scientific notation. */
    static final int PLAIN_DECIMAL_MAX_LENGTH = 64;

    private KeyText() {}

    /** Adds the keys of {@code value} to {@code keys}; false when it gives none or a null or blank one. */
    static boolean addKeys(@Nullable Object value, List<String> keys) {
        if (value instanceof Collection<?> collection) {
            boolean any = false;
            for (Object element : collection) {
                if (!addKeys(element, keys)) {
                    return false;
                }
                any = true;
            }
            return any;
        }
        if (value != null && value.getClass().isArray()) {
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                if (!addKeys(Array.get(value, i), keys)) {
                    return false;
                }
            }
            return length > 0;
        }
        String text = text(value);
        if (text == null) {
            return false;
        }
        keys.add(text);
        return true;
    }

    /**
     * The one key of a value that is not a collection or an array, checking a string first; null for a
     * collection, an array, or a value without a key (null or blank), which {@link #addKeys} then
     * expands or refuses.
     */
    static @Nullable String single(@Nullable Object value) {
        if (value instanceof String text) {
            return text.isBlank() ? null : text;
        }
        if (value == null || value instanceof Collection<?> || value.getClass().isArray()) {
            return null;
        }
        return text(value);
    }

    /** The text of a single value; null when it is null or blank. */
    static @Nullable String text(@Nullable Object value) {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        String text;
        if (value == null) {
            return null;
        } else if (value instanceof String string) {
            text = string;
        } else if (value instanceof Enum<?> constant) {
            text = constant.name();
        } else if (value instanceof BigDecimal decimal) {
            text = decimalText(decimal);
        } else {
            text = value.toString();
        }
        return text == null || text.isBlank() ? null : text;
    }

    /** The canonical text of a decimal, computed without ever expanding a large exponent. */
    static String decimalText(BigDecimal decimal) {
        BigDecimal canonical = decimal.stripTrailingZeros();
        return plainLength(canonical) <= PLAIN_DECIMAL_MAX_LENGTH ? canonical.toPlainString() : canonical.toString();
    }

    /** The length of the plain notation of {@code decimal}, from its precision and scale. */
    private static long plainLength(BigDecimal decimal) {
        long precision = decimal.precision();
        long scale = decimal.scale();
        long digits;
        if (scale <= 0) {
            digits = precision - scale;
        } else if (scale < precision) {
            digits = precision + 1;
        } else {
            digits = scale + 2;
        }
        return decimal.signum() < 0 ? digits + 1 : digits;
    }
}
