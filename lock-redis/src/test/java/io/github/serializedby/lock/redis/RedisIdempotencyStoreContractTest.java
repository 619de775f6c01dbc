package io.github.serializedby.lock.redis;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.redis.RedisIdempotencyStore;
import io.github.serializedby.idempotency.test.IdempotencyStoreContractTest;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

class RedisIdempotencyStoreContractTest extends IdempotencyStoreContractTest {

    private static LettuceConnectionFactory connections;

    @BeforeAll
    static void connect() {
        LocalRedis.requireReachable();
        connections = LocalRedis.connectionFactory();
    }

    @AfterAll
    static void disconnect() {
        if (connections != null) {
            connections.destroy();
        }
    }

    @Override
    protected IdempotencyStore createStore(Clock clock) {
        return new RedisIdempotencyStore(connections, "serialized-by-test:", clock);
    }
}
