package io.github.serializedby.benchmarks;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.redis.RedisLockProvider;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Lock and release of an uncontended key on the local Redis: the raw floor (one {@code SET NX PX} and one
 * compare-and-delete script, two round trips), the Redis provider and Redisson's {@code RLock}. Spring
 * Integration 7.1's {@code RedisLockRegistry} releases with {@code DELEX}, a Redis 8.4 command, and cannot
 * run against the Redis 7.0 of this machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisBenchmark {

    private static final String COMPARE_AND_DELETE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private final Keys keys = new Keys(1024);
    private LettuceConnectionFactory factory;
    private RedisLockProvider provider;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String compareAndDelete;
    private RedissonClient redisson;

    @Setup
    public void connect() {
        if (!Servers.redisAnswers()) {
            throw new IllegalStateException("Redis is not reachable at 127.0.0.1:6379");
        }
        factory = Servers.redis();
        provider = new RedisLockProvider(factory);
        client = RedisClient.create("redis://" + Servers.REDIS_HOST + ":" + Servers.REDIS_PORT);
        connection = client.connect();
        redis = connection.sync();
        compareAndDelete = redis.scriptLoad(COMPARE_AND_DELETE);
        Config config = new Config();
        config.useSingleServer().setAddress("redis://" + Servers.REDIS_HOST + ":" + Servers.REDIS_PORT);
        redisson = Redisson.create(config);
    }

    @TearDown
    public void disconnect() throws Exception {
        redisson.shutdown();
        connection.close();
        client.shutdown();
        provider.close();
        factory.destroy();
    }

    @Benchmark
    public Object rawSetNxAndCompareAndDelete() {
        String key = "bench-raw:" + keys.next();
        String token = UUID.randomUUID().toString();
        redis.set(key, token, SetArgs.Builder.nx().px(30_000));
        return redis.evalsha(compareAndDelete, ScriptOutputType.INTEGER, new String[] {key}, token);
    }

    @Benchmark
    public long redisLockProvider() {
        Lease lease =
                provider.tryAcquire(LockRequest.exclusive("bench", keys.next())).orElseThrow();
        long token = lease.fencingToken();
        lease.release();
        return token;
    }

    @Benchmark
    public boolean redissonRLock() throws InterruptedException {
        RLock lock = redisson.getLock("bench-redisson:" + keys.next());
        boolean locked = lock.tryLock(0, 30, TimeUnit.SECONDS);
        lock.unlock();
        return locked;
    }
}
