package io.github.serializedby.spring.aop;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns key values into lock keys, predictably: text as it is; {@link BigDecimal} in plain notation
 * ({@code 1E+3} becomes {@code 1000}); other numbers, booleans, characters, UUIDs and records by {@code
 * toString()}; enums by {@code name()}; an {@link Optional} by its content; each element of a collection
 * or array as a key of its own. Null, blank text and empty containers give no key.
 */
final class KeyText {

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
            text = decimal.toPlainString();
        } else {
            text = value.toString();
        }
        return text == null || text.isBlank() ? null : text;
    }
}
