package io.github.serializedby.harness;

/** What goes wrong during a run; each fault has a run of its own. */
public enum Fault {
    /** Nothing: the history must show no overlap and no rejected write. */
    NONE("none"),
    /** {@code kill -9} of a worker while it holds a lock: the lock must come free by itself. */
    KILL("kill-9"),
    /** {@code SIGSTOP} of a holder past its lease, then {@code SIGCONT}: its late write must be fenced off. */
    STOP("sigstop"),
    /** Redis shut down and started again mid-run: calls fail closed, service resumes by itself. */
    REDIS_RESTART("redis-restart"),
    /** The providers' PostgreSQL sessions terminated mid-run: calls fail closed, service resumes. */
    PG_TERMINATE("pg-terminate");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    /** The name used on the command line and in the summary. */
    public String label() {
        return label;
    }

    /** Whether this fault means anything for {@code provider}. */
    public boolean appliesTo(ProviderKind provider) {
        return switch (this) {
            case REDIS_RESTART -> provider == ProviderKind.REDIS;
            case PG_TERMINATE -> provider != ProviderKind.REDIS;
            default -> true;
        };
    }

    /** Whether the fault strikes one worker at the moment it signals that it holds a lock. */
    public boolean strikesHolder() {
        return this == KILL || this == STOP;
    }
}
