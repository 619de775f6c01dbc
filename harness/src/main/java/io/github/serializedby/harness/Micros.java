package io.github.serializedby.harness;

import java.time.Instant;

/** Wall-clock time in microseconds since the epoch: one clock for every process on this machine. */
final class Micros {

    private Micros() {}

    static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
