package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Closing the provider never waits for its own connection to open: against a server that accepts and never
 * answers, the background connect hangs (here until the 10 s command timeout; for good once the client's
 * event loops are shut down, as a CI run showed), and close used to wait for it.
 */
@Timeout(60)
class CloseWhileConnectingTest {

    @Test
    void closeReturnsWhileTheProvidersConnectionIsStillOpening() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            CompletableFuture<Void> firstAccepted = new CompletableFuture<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                        firstAccepted.complete(null);
                    }
                } catch (Exception e) {
                    // the server socket was closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LettuceConnectionFactory factory = LocalRedis.connectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", silent.getLocalPort()), Duration.ofSeconds(10));
            try {
                RedisLockProvider provider = new RedisLockProvider(factory);
                firstAccepted.get(20, TimeUnit.SECONDS);

                long start = System.nanoTime();
                provider.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            } finally {
                factory.destroy();
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }
}
