package io.github.serializedby.idempotency;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stored responses in this JVM, bounded and expiring: expired entries are never returned and are
 * dropped as new ones arrive; beyond {@code maxEntries} responses or {@code maxBytes} (bodies, headers
 * and keys, estimated) the oldest entries go first, and a response larger than {@code maxBytes} alone is
 * not kept. Fine for one instance; several instances need a shared store (Redis, JDBC).
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    /** The bytes kept at most when the constructor does not say. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** A rough allowance for the map entry, the record and the arrays around each response. */
    private static final int ENTRY_OVERHEAD = 128;

    private final Clock clock;
    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<String, StoredResponse> responses = new LinkedHashMap<>();
    private long bytes;

    /**
     * Keeps at most {@link #DEFAULT_MAX_BYTES}.
     *
     * @param clock the time that decides expiry
     * @param maxEntries how many responses to keep at most
     */
    public InMemoryIdempotencyStore(Clock clock, int maxEntries) {
        this(clock, maxEntries, DEFAULT_MAX_BYTES);
    }

    /**
     * @param clock the time that decides expiry
     * @param maxEntries how many responses to keep at most
     * @param maxBytes how many bytes of responses to keep at most
     */
    public InMemoryIdempotencyStore(Clock clock, int maxEntries, long maxBytes) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized Optional<StoredResponse> find(String key) {
        StoredResponse response = responses.get(key);
        if (response == null) {
            return Optional.empty();
        }
        if (!response.expiresAt().isAfter(clock.instant())) {
            forget(key);
            return Optional.empty();
        }
        return Optional.of(response);
    }

    @Override
    public synchronized void save(String key, StoredResponse response) {
        forget(key);
        long size = sizeOf(key, response);
        if (size > maxBytes) {
            return;
        }
        responses.put(key, response);
        bytes += size;
        dropExpiredAndOverflow();
    }

    /** How many responses are kept now. */
    public synchronized int size() {
        return responses.size();
    }

    /** The estimated bytes of the responses kept now. */
    public synchronized long byteSize() {
        return bytes;
    }

    private void forget(String key) {
        StoredResponse forgotten = responses.remove(key);
        if (forgotten != null) {
            bytes -= sizeOf(key, forgotten);
        }
    }

    /** Bytes of the body plus two per character of the key, fingerprint and headers, plus the overhead. */
    private static long sizeOf(String key, StoredResponse response) {
        long characters = key.length() + response.fingerprint().length();
        for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
            characters += header.getKey().length();
            for (String value : header.getValue()) {
                characters += value.length();
            }
        }
        return ENTRY_OVERHEAD + response.bodyLength() + 2 * characters;
    }

    private void dropExpiredAndOverflow() {
        var now = clock.instant();
        Iterator<Map.Entry<String, StoredResponse>> oldestFirst =
                responses.entrySet().iterator();
        while (oldestFirst.hasNext()) {
            Map.Entry<String, StoredResponse> entry = oldestFirst.next();
            if (responses.size() > maxEntries
                    || bytes > maxBytes
                    || !entry.getValue().expiresAt().isAfter(now)) {
                bytes -= sizeOf(entry.getKey(), entry.getValue());
                oldestFirst.remove();
            } else {
                break;
            }
        }
    }
}
