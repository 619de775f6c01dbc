package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock held in Redis under a unique token, renewed by the provider's {@link LeaseWatchdog} while it is
 * held.
 *
 * <p>Invariant: {@code validUntil} never lies beyond the end of the lease in Redis, because it is counted
 * from the moment the granting or renewing command was sent, before Redis started its own count.
 */
final class RedisLease extends AbstractLease {

    private final RedisLockProvider provider;
    private final LockKeys keys;
    private final String token;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile long validUntil;
    private volatile long renewedAt;

    RedisLease(RedisLockProvider provider, LockRequest request, LockKeys keys, String token, long fence, long sentAt) {
        super(request, fence);
        this.provider = provider;
        this.keys = keys;
        this.token = token;
        this.validUntil = sentAt + provider.leaseNanos();
        this.renewedAt = sentAt;
    }

    LockKeys keys() {
        return keys;
    }

    String token() {
        return token;
    }

    /** Held: not released, not lost, and the lease has not run out by this JVM's clock. */
    @Override
    public boolean isValid() {
        return super.isValid() && !lost.get() && System.nanoTime() - validUntil < 0;
    }

    /**
     * Called by the watchdog with the current time: renews the lease when due, reports it lost once it
     * ran out. False once the lease no longer needs watching (released or lost).
     */
    boolean check(long now) {
        if (!super.isValid() || lost.get()) {
            return false;
        }
        if (now - validUntil >= 0) {
            markLost();
            return false;
        }
        long renewNanos = provider.renewNanos();
        if (renewNanos > 0 && now - renewedAt >= renewNanos - provider.watchPeriodNanos()) {
            renew();
        }
        return true;
    }

    private void renew() {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        long sentAt = System.nanoTime();
        var unused = provider.renew(this).whenComplete((renewed, failure) -> {
            if (failure == null && renewed != null && renewed == 1L) {
                validUntil = sentAt + provider.leaseNanos();
                renewedAt = sentAt;
            } else if (failure == null) {
                markLost();
            }
            // Redis did not answer: the lease may still stand; the next round tries again.
            renewing.set(false);
        });
    }

    private void markLost() {
        if (super.isValid() && lost.compareAndSet(false, true)) {
            provider.leaseLost(this);
        }
    }

    @Override
    protected void doRelease() {
        provider.stopWatching(this);
        provider.releaseInRedis(this);
    }
}
