package io.github.serializedby.lock.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards tests that need a real server (Redis, PostgreSQL, ...). Where the server cannot be reached the
 * tests are skipped, and one line says why; on CI ({@code CI=true}) they fail instead, since a skipped
 * suite there would hide that the provider was never tested.
 */
public final class TestServers {

    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    /** The outcome of probing each address once per JVM: empty when reachable, else what went wrong. */
    private static final Map<String, Optional<String>> PROBED = new ConcurrentHashMap<>();

    private TestServers() {}

    /**
     * Aborts the calling test (or class, from {@code @BeforeAll}) when nothing accepts TCP connections at
     * {@code host:port}; fails it instead when the environment variable {@code CI} is {@code true}.
     *
     * @param name what the server is, for the message: "Redis"
     */
    public static void requireReachable(String name, String host, int port) {
        String address = host + ":" + port;
        boolean[] firstProbe = {false};
        Optional<String> problem = PROBED.computeIfAbsent(address, ignored -> {
            firstProbe[0] = true;
            return probe(host, port);
        });
        if (problem.isEmpty()) {
            return;
        }
        String message = name + " is not reachable at " + address + " (" + problem.get() + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; CI=true requires it");
        }
        if (firstProbe[0]) {
            System.err.println("SKIPPED: " + message + ": the tests that need it are skipped");
        }
        Assumptions.abort(message);
    }

    private static Optional<String> probe(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
