package io.github.serializedby.lock.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider's one watchdog over its held leases: every {@link #periodNanos()} it renews the leases
 * that are due and reports those that ran out. Holding a lease costs an entry in a set, not a timer task,
 * so taking and releasing a lock wakes no timer thread.
 *
 * <p>The period is a tenth of the renewal interval (of the lease time without renewal): a lease is renewed
 * at most one period before its interval ends, never after, and a loss is reported at most one period
 * after the lease ran out ({@link RedisHold#isValid()} turns false on time, by the clock).
 */
final class LeaseWatchdog {

    private final Set<RedisHold> leases = ConcurrentHashMap.newKeySet();
    private final long periodNanos;

    LeaseWatchdog(long leaseNanos, long renewNanos) {
        this.periodNanos = Math.max(1_000_000, (renewNanos > 0 ? renewNanos : leaseNanos) / 10);
    }

    long periodNanos() {
        return periodNanos;
    }

    void watch(RedisHold lease) {
        leases.add(lease);
    }

    void forget(RedisHold lease) {
        leases.remove(lease);
    }

    /** One round: each lease renews itself if due; leases no longer held leave the set. */
    void sweep() {
        long now = System.nanoTime();
        leases.removeIf(lease -> !lease.check(now));
    }
}
