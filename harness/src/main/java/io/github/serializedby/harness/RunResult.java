package io.github.serializedby.harness;

import java.util.List;
import java.util.OptionalLong;

/**
 * What one run found: counts from the history and the time the system took to serve again after the
 * fault; {@code violations} is empty when every invariant held, and {@code notes} say what the fault did
 * that is expected of it (a fail-over's lost lock) without breaking an invariant.
 *
 * @param operations locked read-modify-writes that reached the database
 * @param unavailable calls that failed closed with {@code LockProviderUnavailableException}
 * @param recoveryMillis from the fault (or the server's return) to the next lease granted
 */
public record RunResult(
        Scenario scenario,
        long operations,
        long lostUpdates,
        long overlaps,
        long staleRejected,
        long unavailable,
        OptionalLong recoveryMillis,
        List<String> violations,
        List<String> notes) {

    /** Whether every invariant held. */
    public boolean ok() {
        return violations.isEmpty();
    }

    /** The one-line summary. */
    public String summary() {
        return String.format(
                "provider=%-14s fault=%-14s guard=%-10s operations=%-5d lost_updates=%d overlaps=%d stale_writes_rejected=%d"
                        + " unavailable=%d recovery_ms=%s %s%s",
                scenario.provider().label(),
                scenario.fault().label(),
                scenario.guard().label(),
                operations,
                lostUpdates,
                overlaps,
                staleRejected,
                unavailable,
                recovery(),
                ok() ? "OK" : "VIOLATION " + String.join("; ", violations),
                notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    }

    /** A row of the README's table. */
    public String markdownRow() {
        return "| " + scenario.provider().label() + " | " + scenario.fault().label() + " | "
                + scenario.guard().label() + " | " + operations + " | "
                + lostUpdates + " | " + overlaps + " | " + staleRejected + " | " + unavailable + " | " + recovery()
                + " | " + (ok() ? "OK" : "VIOLATION") + " |";
    }

    private String recovery() {
        return recoveryMillis.isPresent() ? String.valueOf(recoveryMillis.getAsLong()) : "-";
    }
}
