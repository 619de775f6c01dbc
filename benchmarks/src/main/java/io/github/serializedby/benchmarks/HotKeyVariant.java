package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.redis.RedisLockOptions;
import io.github.serializedby.lock.redis.RedisLockProvider;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The locks compared on one hot key across instances, each opened the way one instance would open it. */
enum HotKeyVariant {
    /** Redisson's {@code RLock}: {@code lock()} without a lease time, so its watchdog renews the lock. */
    REDISSON("Redisson `RLock`"),
    /** The Redis provider with every hand-over going through Redis. */
    HAND_OFF_OFF("Redis provider, local hand-off off"),
    /** The Redis provider with the default local hand-off. */
    HAND_OFF_ON("Redis provider, local hand-off on");

    /** Longest wait of one caller for the hot key; reaching it fails the run. */
    private static final Duration MAX_WAIT = Duration.ofMinutes(2);

    final String label;

    HotKeyVariant(String label) {
        this.label = label;
    }

    /** A hold of the key: its fencing token (-1 when the lock has none) and how to release it. */
    record Held(long token, Runnable release) {}

    /** One instance's connection to the hot key, shared by its threads. */
    interface HotKey extends AutoCloseable {

        /** Waits for the key. */
        Held take() throws InterruptedException;

        @Override
        void close() throws Exception;
    }

    HotKey open(String key) {
        return this == REDISSON ? redisson(key) : provider(key);
    }

    private static HotKey redisson(String key) {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + Servers.REDIS_HOST + ":" + Servers.REDIS_PORT);
        RedissonClient client = Redisson.create(config);
        return new HotKey() {
            @Override
            public Held take() {
                RLock lock = client.getLock(key);
                lock.lock();
                return new Held(-1, lock::unlock);
            }

            @Override
            public void close() {
                client.shutdown();
            }
        };
    }

    private HotKey provider(String key) {
        RedisLockOptions.Builder options = RedisLockOptions.builder();
        if (this == HAND_OFF_OFF) {
            options.withoutLocalHandOff();
        }
        LettuceConnectionFactory factory = Servers.redis();
        RedisLockProvider provider = new RedisLockProvider(factory, options.build());
        LockRequest request = LockRequest.exclusive("hot-key", key);
        return new HotKey() {
            @Override
            public Held take() throws InterruptedException {
                Lease lease = provider.acquireBlocking(request, MAX_WAIT)
                        .orElseThrow(() -> new IllegalStateException("no lease within " + MAX_WAIT));
                return new Held(lease.fencingToken(), lease::release);
            }

            @Override
            public void close() {
                provider.close();
                factory.destroy();
            }
        };
    }
}
