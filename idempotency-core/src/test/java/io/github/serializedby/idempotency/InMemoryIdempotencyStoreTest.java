package io.github.serializedby.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryIdempotencyStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void aResponseIsFoundUntilItExpires() {
        InMemoryIdempotencyStore before = new InMemoryIdempotencyStore(Clock.fixed(NOW, ZoneOffset.UTC), 10);
        before.save("k", response(NOW.plus(Duration.ofHours(1))));
        InMemoryIdempotencyStore after =
                new InMemoryIdempotencyStore(Clock.fixed(NOW.plus(Duration.ofHours(1)), ZoneOffset.UTC), 10);
        after.save("k", response(NOW.plus(Duration.ofHours(1))));

        assertThat(before.find("k"))
                .hasValueSatisfying(found -> assertThat(found.status()).isEqualTo(201));
        assertThat(after.find("k")).isEmpty();
        assertThat(after.size()).isZero();
    }

    @Test
    void theOldestResponsesGoFirstBeyondTheBound() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Clock.fixed(NOW, ZoneOffset.UTC), 3);
        for (int i = 0; i < 5; i++) {
            store.save("k" + i, response(NOW.plus(Duration.ofHours(1))));
        }

        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find("k0")).isEmpty();
        assertThat(store.find("k1")).isEmpty();
        assertThat(store.find("k4")).isPresent();
    }

    @Test
    void theOldestResponsesGoFirstBeyondTheByteBound() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Clock.fixed(NOW, ZoneOffset.UTC), 100, 3_000);
        for (int i = 0; i < 5; i++) {
            store.save("k" + i, response(NOW.plus(Duration.ofHours(1)), 1_000));
        }

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.byteSize()).isLessThanOrEqualTo(3_000);
        assertThat(store.find("k2")).isEmpty();
        assertThat(store.find("k3")).isPresent();
        assertThat(store.find("k4")).isPresent();
    }

    @Test
    void aResponseLargerThanTheByteBoundIsNotKeptAndEvictsNothing() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Clock.fixed(NOW, ZoneOffset.UTC), 100, 3_000);
        store.save("small", response(NOW.plus(Duration.ofHours(1)), 1_000));

        store.save("huge", response(NOW.plus(Duration.ofHours(1)), 10_000));

        assertThat(store.find("huge")).isEmpty();
        assertThat(store.find("small")).isPresent();
    }

    @Test
    void replacingAndExpiringResponsesGiveTheirBytesBack() {
        InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Clock.fixed(NOW, ZoneOffset.UTC), 100, 3_000);
        for (int i = 0; i < 50; i++) {
            store.save("same", response(NOW.plus(Duration.ofHours(1)), 1_000));
        }
        store.save("expired", response(NOW, 1_000));
        store.find("expired");
        long oneResponse = store.byteSize();
        store.save("next", response(NOW.plus(Duration.ofHours(1)), 1_000));

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.byteSize()).isEqualTo(2 * oneResponse);
    }

    @Test
    void aStoredResponseCannotBeChangedThroughItsParts() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        StoredResponse stored = new StoredResponse("f", 201, Map.of(), body, NOW);
        body[0] = 'x';
        stored.body()[1] = 'y';

        assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
    }

    private static StoredResponse response(Instant expiresAt, int bodyBytes) {
        return new StoredResponse("fingerprint", 201, Map.of(), new byte[bodyBytes], expiresAt);
    }

    private static StoredResponse response(Instant expiresAt) {
        return new StoredResponse(
                "fingerprint",
                201,
                Map.of("Location", List.of("/payments/1")),
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                expiresAt);
    }
}
