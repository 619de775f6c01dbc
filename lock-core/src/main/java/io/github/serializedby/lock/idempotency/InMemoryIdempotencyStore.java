package io.github.serializedby.lock.idempotency;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stored responses in this JVM, bounded and expiring: expired entries are never returned and are
 * dropped as new ones arrive; beyond {@code maxEntries} the oldest entries go first. Fine for one
 * instance; several instances need a shared store (Redis, JDBC).
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private final Clock clock;
    private final int maxEntries;
    private final LinkedHashMap<String, StoredResponse> responses = new LinkedHashMap<>();

    /**
     * @param clock the time that decides expiry
     * @param maxEntries how many responses to keep at most
     */
    public InMemoryIdempotencyStore(Clock clock, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    @Override
    public synchronized Optional<StoredResponse> find(String key) {
        StoredResponse response = responses.get(key);
        if (response == null) {
            return Optional.empty();
        }
        if (!response.expiresAt().isAfter(clock.instant())) {
            responses.remove(key);
            return Optional.empty();
        }
        return Optional.of(response);
    }

    @Override
    public synchronized void save(String key, StoredResponse response) {
        responses.remove(key);
        responses.put(key, response);
        dropExpiredAndOverflow();
    }

    /** How many responses are kept now. */
    public synchronized int size() {
        return responses.size();
    }

    private void dropExpiredAndOverflow() {
        var now = clock.instant();
        Iterator<Map.Entry<String, StoredResponse>> oldestFirst =
                responses.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            Map.Entry<String, StoredResponse> entry = oldestFirst.next();
            if (responses.size() > maxEntries || !entry.getValue().expiresAt().isAfter(now)) {
                oldestFirst.remove();
            } else {
                break;
            }
        }
    }
}
