package io.github.serializedby.lock;

/** How a lease shares its key with other leases on the same key. */
public enum LockMode {

    /** One holder at a time; excludes shared holders too. */
    EXCLUSIVE,

    /**
     * Any number of shared holders at once, while no exclusive holder has the key. A waiting exclusive
     * request is served before shared requests that arrive after it, so writers are not starved.
     */
    SHARED;

    /** Whether a lease held in this mode already covers a request in {@code requested} mode. */
    public boolean covers(LockMode requested) {
        return this == EXCLUSIVE || requested == SHARED;
    }
}
