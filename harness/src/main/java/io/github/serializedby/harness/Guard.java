package io.github.serializedby.harness;

/**
 * Where a worker checks its fencing token. {@link #FENCE} is the library's guard, {@code JdbcLockFence},
 * as users call it: first in the transaction, before the read. {@link #WRITE_ONLY} is the control: the
 * {@code UPDATE} itself refuses a token not above the last one written, which a holder paused between its
 * write and its commit defeats.
 */
public enum Guard {
    FENCE("fence"),
    WRITE_ONLY("write-only");

    private final String label;

    Guard(String label) {
        this.label = label;
    }

    /** The name used in run ids and in the summary. */
    public String label() {
        return label;
    }

    /** Whether a holder paused at {@code pause} meets this guard only after it wakes up. */
    boolean checksAfter(Pause pause) {
        return switch (this) {
            case FENCE -> pause == Pause.BEGIN;
            case WRITE_ONLY -> pause != Pause.COMMIT;
        };
    }

    /** The guard with {@code label}. */
    static Guard of(String label) {
        for (Guard guard : values()) {
            if (guard.label.equals(label)) {
                return guard;
            }
        }
        throw new IllegalArgumentException("Unknown guard: " + label);
    }
}
