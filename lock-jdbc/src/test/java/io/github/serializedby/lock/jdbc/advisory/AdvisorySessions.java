package io.github.serializedby.lock.jdbc.advisory;

/** Lets the tests of both providers see how many sessions an advisory provider holds. */
public final class AdvisorySessions {

    private AdvisorySessions() {}

    /** How many leases of {@code provider} hold a session now. */
    public static int held(PostgresAdvisoryLockProvider provider) {
        return provider.heldSessionCount();
    }
}
