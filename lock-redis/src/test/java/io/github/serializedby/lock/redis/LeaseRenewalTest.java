package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watchdog: a renewed lease outlives its lease time; one that is not renewed is reported lost.
 *
 * <p>Margins for a loaded 2-core machine: a fresh lease is checked within a 1 s lease, and a renewed one
 * has 1.75 s between its renewals (every 250 ms) and its expiry; with 400 ms leases and 300 ms of margin
 * both failed in 6 of 20 runs while four builds ran alongside.
 */
@Timeout(60)
class LeaseRenewalTest {

    private static final Duration SHORT_LEASE = Duration.ofSeconds(1);
    private static final Duration RENEWED_LEASE = Duration.ofSeconds(2);
    /** The tests are about leases, not about a slow Redis: the default 2 s timeout failed a try under load. */
    private static final Duration PATIENT = Duration.ofSeconds(10);

    @RegisterExtension
    static final LocalRedis.Connection redis = new LocalRedis.Connection();

    private final String name = "lease." + UUID.randomUUID();
    private final CompletableFuture<Lease> lost = new CompletableFuture<>();
    private final LockListener listener = new LockListener() {
        @Override
        public void leaseLost(Lease lease) {
            lost.complete(lease);
        }
    };

    @Test
    void aLeaseThatIsNotRenewedIsReportedLostAndTheNextHolderGetsALargerToken() throws Exception {
        RedisLockOptions options = RedisLockOptions.builder()
                .leaseTime(SHORT_LEASE)
                .operationTimeout(PATIENT)
                .withoutRenewal()
                .listener(listener)
                .build();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            LockRequest request = LockRequest.exclusive(name, "k");
            Lease first = provider.tryAcquire(request).orElseThrow();
            assertThat(first.isValid()).isTrue();

            Lease reported = lost.get(10, TimeUnit.SECONDS);
            assertThat(reported).isSameAs(first);
            assertThat(first.isValid()).isFalse();

            Lease next =
                    provider.acquireBlocking(request, Duration.ofSeconds(10)).orElseThrow();
            assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
            first.release();
            assertThat(provider.tryAcquire(request))
                    .as("a stale release leaves the new holder alone")
                    .isEmpty();
            next.release();
        }
    }

    @Test
    void aRenewedLeaseOutlivesSeveralLeaseTimes() throws Exception {
        RedisLockOptions options = RedisLockOptions.builder()
                .leaseTime(RENEWED_LEASE)
                .operationTimeout(PATIENT)
                .renewEvery(RENEWED_LEASE.dividedBy(8))
                .listener(listener)
                .build();
        try (RedisLockProvider provider = new RedisLockProvider(redis.factory(), options)) {
            LockRequest request = LockRequest.exclusive(name, "k");
            Lease held = provider.tryAcquire(request).orElseThrow();

            // A wait for something that must not happen: three lease times without a loss.
            CompletableFuture<Optional<Lease>> other = provider.acquire(request, RENEWED_LEASE.multipliedBy(3));
            assertThat(other.get(20, TimeUnit.SECONDS)).isEmpty();

            assertThat(lost).isNotDone();
            assertThat(held.isValid()).isTrue();
            held.release();
            assertThat(held.isValid()).isFalse();
        }
    }
}
