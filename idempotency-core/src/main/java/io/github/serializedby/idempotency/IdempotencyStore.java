package io.github.serializedby.idempotency;

import java.util.Optional;

/**
 * Keeps the responses to requests made with idempotency keys until they expire. Implementations are
 * thread-safe; concurrent first requests for one key are kept apart by a lock, not by the store.
 */
public interface IdempotencyStore {

    /** The response stored under {@code key}, unless there is none or it has expired. */
    Optional<StoredResponse> find(String key);

    /** Stores {@code response} under {@code key} until {@link StoredResponse#expiresAt()}. */
    void save(String key, StoredResponse response);
}
