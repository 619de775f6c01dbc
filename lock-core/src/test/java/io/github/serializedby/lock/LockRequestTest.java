package io.github.serializedby.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks every request's key passes before a provider sees it. */
class LockRequestTest {

    private static final String SECRET = "secret-";

    @Test
    void aKeyOfTheMaximumLengthIsAcceptedAndOneCharacterMoreIsRefused() {
        String longest = "k".repeat(LockRequest.MAX_KEY_LENGTH);

        assertThat(LockRequest.exclusive("orders", longest).key()).isSameAs(longest);
        assertThatThrownBy(() -> LockRequest.exclusive("orders", SECRET + longest))
                .isInstanceOfSatisfying(InvalidLockKeyException.class, e -> {
                    assertThat(e.lockName()).isEqualTo("orders");
                    assertThat(e.reason()).contains(Integer.toString(LockRequest.MAX_KEY_LENGTH));
                    assertThat(e.getMessage()).contains("orders").doesNotContain(SECRET);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\ud800b", "\udc00", "a\udc00\ud800b", "tail\ud83d"})
    void aKeyWithAnUnpairedSurrogateIsRefused(String malformed) {
        assertThatThrownBy(() -> LockRequest.shared("orders", SECRET + malformed))
                .isInstanceOfSatisfying(InvalidLockKeyException.class, e -> {
                    assertThat(e.reason()).contains("surrogate");
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                });
    }

    @Test
    void aKeyWithPairedSurrogatesIsAccepted() {
        assertThat(LockRequest.exclusive("orders", "caf\u00e9-\ud83d\ude00").key())
                .isEqualTo("café-😀");
    }

    @Test
    void blankAndNullKeysAreStillRefusedAsIllegalArguments() {
        assertThatThrownBy(() -> LockRequest.exclusive("orders", " \t")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LockRequest.exclusive("orders", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theExecutorRefusesAMegabyteKeyWithoutCallingTheProvider() {
        AtomicInteger calls = new AtomicInteger();
        LockProvider recording = new LockProvider() {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                calls.incrementAndGet();
                return Optional.empty();
            }

            @Override
            public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture(Optional.empty());
            }
        };
        LockExecutor executor = new LockExecutor(recording);
        String megabyte = "x".repeat(1 << 20);
        LockSpec spec = new LockSpec(
                "orders", List.of("a", megabyte), LockMode.EXCLUSIVE, LockPolicy.WAIT, Duration.ofSeconds(1));

        assertThatThrownBy(() -> executor.run(LockSpec.failFast("orders", megabyte), () -> {}))
                .isInstanceOf(InvalidLockKeyException.class);
        assertThatThrownBy(() -> executor.run(spec, () -> {})).isInstanceOf(InvalidLockKeyException.class);
        assertThat(executor.acquireAsync(spec))
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(InvalidLockKeyException.class);
        assertThat(calls).hasValue(0);
    }
}
