package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.support.AbstractLease;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A lock held in Redis under a random token, renewed by the provider's watchdog while it is held.
 *
 * <p>Invariant: {@code validUntil} never lies beyond the end of the lease in Redis, because it is counted
 * from the moment the granting or renewing command was sent, before Redis started its own count.
 */
final class RedisLease extends AbstractLease {

    private final RedisLockProvider provider;
    private final LockKeys keys;
    private final String token;
    private final AtomicBoolean lost = new AtomicBoolean();
    private volatile long validUntil;
    private @Nullable ScheduledFuture<?> nextTick;

    RedisLease(RedisLockProvider provider, LockRequest request, LockKeys keys, String token, long fence, long sentAt) {
        super(request, fence);
        this.provider = provider;
        this.keys = keys;
        this.token = token;
        this.validUntil = sentAt + provider.leaseNanos();
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

    /** Plans the next renewal, or the moment the lease runs out when no renewal comes first. */
    synchronized void scheduleTick() {
        if (!super.isValid() || lost.get()) {
            return;
        }
        long now = System.nanoTime();
        long until = validUntil - now;
        long delay = provider.renewNanos() > 0 ? Math.min(provider.renewNanos(), until) : until;
        nextTick = provider.schedule(this::tick, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        if (!super.isValid() || lost.get()) {
            return;
        }
        if (System.nanoTime() - validUntil >= 0) {
            markLost();
            return;
        }
        if (provider.renewNanos() <= 0) {
            scheduleTick();
            return;
        }
        long sentAt = System.nanoTime();
        var unused = provider.renew(this).whenComplete((renewed, failure) -> {
            if (failure == null && renewed != null && renewed == 1L) {
                validUntil = sentAt + provider.leaseNanos();
                scheduleTick();
            } else if (failure == null) {
                markLost();
            } else {
                // Redis did not answer: the lease may still stand; try again until it runs out.
                scheduleTick();
            }
        });
    }

    private void markLost() {
        if (super.isValid() && lost.compareAndSet(false, true)) {
            provider.leaseLost(this);
        }
    }

    @Override
    protected void doRelease() {
        synchronized (this) {
            if (nextTick != null) {
                nextTick.cancel(false);
            }
        }
        provider.releaseInRedis(this);
    }
}
