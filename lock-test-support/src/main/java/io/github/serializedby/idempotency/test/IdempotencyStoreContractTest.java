package io.github.serializedby.idempotency.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link IdempotencyStore} must show. A store's test extends this class and creates
 * the store on the given clock, which the tests move forward to expire responses.
 */
public abstract class IdempotencyStoreContractTest {

    private final MovableClock clock = new MovableClock();
    private IdempotencyStore store;
    private String key;

    /** Creates the store under test, expiring responses by {@code clock}. */
    protected abstract IdempotencyStore createStore(Clock clock) throws Exception;

    @BeforeEach
    void setUpStore() throws Exception {
        store = createStore(clock);
        key = "contract-" + UUID.randomUUID();
    }

    @Test
    void aSavedResponseIsFoundWithEveryPart() {
        StoredResponse saved = response(Duration.ofHours(1), "{\"id\":1}");

        store.save(key, saved);

        StoredResponse found = store.find(key).orElseThrow();
        assertThat(found.fingerprint()).isEqualTo(saved.fingerprint());
        assertThat(found.status()).isEqualTo(201);
        assertThat(found.headers()).isEqualTo(saved.headers());
        assertThat(new String(found.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        assertThat(found.expiresAt()).isEqualTo(saved.expiresAt());
    }

    @Test
    void anUnknownKeyFindsNothing() {
        assertThat(store.find(key)).isEmpty();
    }

    @Test
    void aResponseIsForgottenOnceItExpires() {
        store.save(key, response(Duration.ofMinutes(10), "{}"));

        clock.advance(Duration.ofMinutes(9));
        boolean foundBefore = store.find(key).isPresent();
        clock.advance(Duration.ofMinutes(2));

        assertThat(foundBefore).isTrue();
        assertThat(store.find(key)).isEmpty();
    }

    @Test
    void savingAgainReplacesTheResponse() {
        store.save(key, response(Duration.ofHours(1), "first"));
        store.save(key, response(Duration.ofHours(1), "second"));

        assertThat(new String(store.find(key).orElseThrow().body(), StandardCharsets.UTF_8))
                .isEqualTo("second");
    }

    @Test
    void keysAreIndependent() {
        store.save(key, response(Duration.ofHours(1), "mine"));

        assertThat(store.find(key + "-other")).isEmpty();
    }

    private StoredResponse response(Duration ttl, String body) {
        return new StoredResponse(
                "fingerprint-" + body,
                201,
                Map.of("Location", List.of("/payments/1"), "Content-Type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8),
                clock.instant().plus(ttl));
    }

    /** A clock the tests move forward. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
