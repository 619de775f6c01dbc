package io.github.serializedby.demo.problem;

import org.jspecify.annotations.Nullable;

/** A request value is missing or out of range (a zero or negative amount...); answered with 400. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The request field at fault. */
    public String field() {
        return field;
    }

    /** Checks that {@code value} is present and greater than zero, and returns it. */
    public static long requirePositive(String field, @Nullable Long value) {
        if (value == null) {
            throw new InvalidRequestException(field, "'" + field + "' is required");
        }
        if (value <= 0) {
            throw new InvalidRequestException(field, "'" + field + "' must be greater than zero, was " + value);
        }
        return value;
    }

    /** Checks that {@code value} is present and not blank, and returns it stripped. */
    public static String requireText(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(field, "'" + field + "' is required");
        }
        return value.strip();
    }
}
