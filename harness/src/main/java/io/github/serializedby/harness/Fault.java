package io.github.serializedby.harness;

/** What goes wrong during a run; each fault has a run of its own. */
public enum Fault {
    /** Nothing: the history must show no overlap and no rejected write. */
    NONE("none", Pause.READ),
    /** {@code kill -9} of a worker while it holds a lock: the lock must come free by itself. */
    KILL("kill-9", Pause.READ),
    /**
     * {@code SIGSTOP} of a holder past its lease before its transaction begins, then {@code SIGCONT}: the
     * guard it meets on waking must refuse its late write.
     */
    STOP_BEGIN("sigstop-begin", Pause.BEGIN),
    /** {@code SIGSTOP} past the lease between the read and the write. */
    STOP_READ("sigstop-read", Pause.READ),
    /**
     * {@code SIGSTOP} past the lease between the write and the commit: the next holder must not read the
     * value the stopped one is about to replace.
     */
    STOP_COMMIT("sigstop-commit", Pause.COMMIT),
    /** Redis shut down and started again mid-run: calls fail closed, service resumes by itself. */
    REDIS_RESTART("redis-restart", Pause.READ),
    /** The providers' PostgreSQL sessions terminated mid-run: calls fail closed, service resumes. */
    PG_TERMINATE("pg-terminate", Pause.READ),
    /**
     * Sentinel promotes the replica after the master's end, the replica having missed the lock a holder
     * took last (stopped, its link cut): that lock is lost, another holder may take it while the first
     * still holds it, and the fence must refuse the first one's late write.
     */
    FAILOVER("failover", Pause.BEGIN);

    private final String label;
    private final Pause pause;

    Fault(String label, Pause pause) {
        this.label = label;
        this.pause = pause;
    }

    /** The name used on the command line and in the summary. */
    public String label() {
        return label;
    }

    /** Where the struck holder waits for the fault. */
    Pause pause() {
        return pause;
    }

    /** Whether this fault means anything for {@code provider}. */
    public boolean appliesTo(ProviderKind provider) {
        return switch (this) {
            case REDIS_RESTART -> provider == ProviderKind.REDIS;
            case PG_TERMINATE -> !provider.redis();
            case FAILOVER -> provider == ProviderKind.REDIS_SENTINEL;
            default -> true;
        };
    }

    /** The fault with {@code label}. */
    public static Fault of(String label) {
        for (Fault fault : values()) {
            if (fault.label.equals(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("Unknown fault: " + label);
    }

    /** Whether the fault strikes one worker at the moment it signals that it holds a lock. */
    public boolean strikesHolder() {
        return this == KILL || this == FAILOVER || stops();
    }

    /** Whether the fault stops a holder past its lease and lets it run again. */
    public boolean stops() {
        return this == STOP_BEGIN || this == STOP_READ || this == STOP_COMMIT;
    }
}
