package io.github.serializedby.demo.problem;

/**
 * A form field's value is well formed but refused given the current state (a pet name the owner already
 * uses); answered with 422 naming the field, as a form shows the error next to it.
 */
public class FormErrorException extends RuntimeException {

    private final String field;

    public FormErrorException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The form field at fault. */
    public String field() {
        return field;
    }
}
