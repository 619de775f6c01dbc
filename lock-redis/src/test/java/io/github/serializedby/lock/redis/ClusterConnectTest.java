package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A provider on a Redis Cluster connects before its first lock, as on a standalone server: opening the
 * cluster connection (reading the topology from the nodes) took over the 2 s operation timeout on a busy
 * machine, and the first lock failed closed.
 */
@Timeout(60)
class ClusterConnectTest {

    @BeforeAll
    static void requireCluster() {
        RedisTopology.CLUSTER.requireReachable();
    }

    @Test
    void connectOpensTheClusterConnectionOutsideAnyLocksTimeout() {
        String name = "connect-" + UUID.randomUUID();
        try (RedisTopology.Connected application =
                        RedisTopology.CLUSTER.connect("spring.data.redis.client-name=" + name);
                RedisTopology.Connected observer = RedisTopology.CLUSTER.connect()) {
            LockCommands commands = new LockCommands(application.factory(), Duration.ofSeconds(2), 30_000, 3_000);
            assertThat(clientsNamed(observer.factory(), name))
                    .as("connections before connect()")
                    .isZero();

            commands.connect();

            assertThat(clientsNamed(observer.factory(), name))
                    .as("connections after connect()")
                    .isPositive();
            commands.close();
        }
    }

    private static long clientsNamed(LettuceConnectionFactory factory, String name) {
        long count = 0;
        try (RedisClusterConnection cluster = factory.getClusterConnection()) {
            for (RedisClusterNode node : cluster.clusterGetNodes()) {
                count += cluster.serverCommands().getClientList(node).stream()
                        .filter(client -> name.equals(client.getName()))
                        .count();
            }
        }
        return count;
    }
}
