package io.github.serializedby.demo.problem;

/** An account, event, payment or owner that the request names does not exist; answered with 404. */
public class NotFoundException extends RuntimeException {

    private final String resource;
    private final long id;

    public NotFoundException(String resource, long id) {
        super("No " + resource + " with id " + id);
        this.resource = resource;
        this.id = id;
    }

    /** What was looked for: {@code account}, {@code event}, {@code payment}, {@code owner}. */
    public String resource() {
        return resource;
    }

    /** The id that was not found. */
    public long id() {
        return id;
    }
}
