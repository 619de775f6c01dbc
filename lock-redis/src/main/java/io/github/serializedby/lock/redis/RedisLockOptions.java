package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.support.WaitBounds;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link RedisLockProvider}; immutable, built with {@link #builder()}.
 *
 * @see #builder()
 */
public final class RedisLockOptions {

    /** The key prefix used unless another is set. */
    public static final String DEFAULT_PREFIX = "serialized-by:";

    private static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);
    private static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(2);

    /** Local hand-offs per Redis acquisition unless set; see {@link Builder#localHandOff}. */
    public static final int DEFAULT_LOCAL_HAND_OFFS = 16;

    /**
     * The most local hand-offs per acquisition: each acquisition counts out that many fencing tokens more,
     * and tokens must not outrun the clock floor they start from (1024 per millisecond).
     */
    public static final int MAX_LOCAL_HAND_OFFS = 64;

    /** The time slice of local hand-offs unless set; see {@link Builder#localHandOff}. */
    public static final Duration DEFAULT_HAND_OFF_SLICE = Duration.ofMillis(10);

    private final String prefix;
    private final Duration leaseTime;
    private final @Nullable Duration renewEvery;
    private final Duration operationTimeout;
    private final LockListener listener;
    private final WaitBounds waitBounds;
    private final int localHandOffs;
    private final Duration handOffSlice;

    private RedisLockOptions(Builder builder) {
        this.prefix = builder.prefix;
        this.leaseTime = builder.leaseTime;
        this.renewEvery =
                builder.renewal ? (builder.renewEvery != null ? builder.renewEvery : leaseTime.dividedBy(3)) : null;
        this.operationTimeout = builder.operationTimeout;
        this.listener = builder.listener;
        this.waitBounds = builder.waitBounds;
        this.localHandOffs = builder.localHandOffs;
        this.handOffSlice = builder.handOffSlice;
        if (renewEvery != null && renewEvery.compareTo(leaseTime) >= 0) {
            throw new IllegalArgumentException(
                    "renewEvery (" + renewEvery + ") must be shorter than the lease time (" + leaseTime + ")");
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: prefix {@value #DEFAULT_PREFIX}, 30 s leases renewed every 10 s, 2 s operation timeout. */
    public static RedisLockOptions defaults() {
        return builder().build();
    }

    /** Prefix of every Redis key and channel the provider uses. */
    public String prefix() {
        return prefix;
    }

    /** How long a lock outlives its holder's last renewal, for example when the holder's process dies. */
    public Duration leaseTime() {
        return leaseTime;
    }

    /** How often a held lease is extended to a full lease time again; empty when leases are never renewed. */
    public Optional<Duration> renewEvery() {
        return Optional.ofNullable(renewEvery);
    }

    /** Longest wait for Redis to answer one operation before the operation counts as failed. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** Told when a lease is lost. */
    public LockListener listener() {
        return listener;
    }

    /** Bounds on the callers that wait in this JVM; none unless set. */
    public WaitBounds waitBounds() {
        return waitBounds;
    }

    /**
     * How many times in a row a lock held in Redis may pass from one caller of this JVM to the next without
     * a round trip; zero when every hand-over goes through Redis.
     */
    public int localHandOffs() {
        return localHandOffs;
    }

    /** How long after its acquisition in Redis a lock may still be passed on locally. */
    public Duration handOffSlice() {
        return handOffSlice;
    }

    @Override
    public String toString() {
        return "RedisLockOptions[prefix=" + prefix + ", leaseTime=" + leaseTime + ", renewEvery=" + renewEvery
                + ", operationTimeout=" + operationTimeout + ", localHandOffs=" + localHandOffs + ", handOffSlice="
                + handOffSlice + "]";
    }

    /** Builds {@link RedisLockOptions}; every setting has a default. */
    public static final class Builder {

        private String prefix = DEFAULT_PREFIX;
        private Duration leaseTime = DEFAULT_LEASE_TIME;
        private @Nullable Duration renewEvery;
        private boolean renewal = true;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private LockListener listener = LockListener.NOOP;
        private WaitBounds waitBounds = WaitBounds.unbounded();
        private int localHandOffs = DEFAULT_LOCAL_HAND_OFFS;
        private Duration handOffSlice = DEFAULT_HAND_OFF_SLICE;

        private Builder() {}

        /** Prefix of keys and channels, so that several applications can share one Redis; no braces. */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException(
                        "prefix must be non-empty and free of braces, which would move the cluster hash tag: "
                                + prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /** Time a lock stays held after its holder stopped renewing it; 30 s unless set. */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = positive(leaseTime, "leaseTime");
            return this;
        }

        /** Interval of lease renewal while a lock is held; a third of the lease time unless set. */
        public Builder renewEvery(Duration renewEvery) {
            this.renewEvery = positive(renewEvery, "renewEvery");
            this.renewal = true;
            return this;
        }

        /** Leases are never renewed: a lock ends at the latest one lease time after it was acquired. */
        public Builder withoutRenewal() {
            this.renewEvery = null;
            this.renewal = false;
            return this;
        }

        /** Longest wait for one answer from Redis; past it the operation fails closed. 2 s unless set. */
        public Builder operationTimeout(Duration operationTimeout) {
            this.operationTimeout = positive(operationTimeout, "operationTimeout");
            return this;
        }

        /** Told when a lease is lost; the other events come from the {@code LockExecutor}. */
        public Builder listener(LockListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Bounds on the callers that wait in this JVM (none unless set); give every provider of an
         * application the same bounds.
         */
        public Builder waitBounds(WaitBounds waitBounds) {
            this.waitBounds = Objects.requireNonNull(waitBounds, "waitBounds");
            return this;
        }

        /**
         * Lets a releasing holder pass the lock straight to the next caller of this JVM waiting for the same
         * key, without releasing it in Redis, at most {@code maxHandOffs} times in a row and only within
         * {@code timeSlice} of the lock's acquisition in Redis; then the lock is released in Redis, and
         * when another instance waits for it, this JVM lets that instance take it first. Each local holder
         * gets a fencing token of its own from a block that Redis counts out with the lock, so tokens still
         * increase strictly across instances. 16 hand-offs within 10 ms unless set; at most {@value
         * #MAX_LOCAL_HAND_OFFS}. Locks that are not renewed ({@link #withoutRenewal()}) are never passed on,
         * as a later holder would get less than a lease time.
         */
        public Builder localHandOff(int maxHandOffs, Duration timeSlice) {
            if (maxHandOffs < 0 || maxHandOffs > MAX_LOCAL_HAND_OFFS) {
                throw new IllegalArgumentException(
                        "maxHandOffs must be between 0 and " + MAX_LOCAL_HAND_OFFS + ": " + maxHandOffs);
            }
            this.localHandOffs = maxHandOffs;
            this.handOffSlice = positive(timeSlice, "timeSlice");
            return this;
        }

        /** Every hand-over between two callers goes through Redis, as with a peer's lock. */
        public Builder withoutLocalHandOff() {
            this.localHandOffs = 0;
            return this;
        }

        /** The options; fails when the renewal interval is not shorter than the lease time. */
        public RedisLockOptions build() {
            return new RedisLockOptions(this);
        }

        private static Duration positive(Duration duration, String what) {
            Objects.requireNonNull(duration, what);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
