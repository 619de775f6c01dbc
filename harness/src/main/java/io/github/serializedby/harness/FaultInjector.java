package io.github.serializedby.harness;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Signals to processes and restarts of servers, through the usual command-line tools. */
final class FaultInjector {

    private FaultInjector() {}

    /** {@code kill -STOP pid}. */
    static void stop(long pid) throws IOException, InterruptedException {
        run(List.of("kill", "-STOP", String.valueOf(pid)), Duration.ofSeconds(5));
    }

    /** {@code kill -CONT pid}. */
    static void resume(long pid) throws IOException, InterruptedException {
        run(List.of("kill", "-CONT", String.valueOf(pid)), Duration.ofSeconds(5));
    }

    /**
     * Shuts Redis down without saving, waits {@code down}, starts it again and waits until it answers
     * PING. Returns the time (µs) it answered.
     */
    static long restartRedis(Duration down) throws IOException, InterruptedException {
        String port = String.valueOf(Servers.redisUri().getPort());
        run(List.of("redis-cli", "-p", port, "shutdown", "nosave"), Duration.ofSeconds(10));
        Thread.sleep(down.toMillis());
        run(
                List.of(
                        "redis-server",
                        "--daemonize",
                        "yes",
                        "--bind",
                        "127.0.0.1",
                        "-::1",
                        "--port",
                        port,
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        "/var/lib/redis",
                        "--logfile",
                        "/var/log/redis/ci.log"),
                Duration.ofSeconds(10));
        return awaitRedis(port, Duration.ofSeconds(20));
    }

    /** Whether Redis answers PING now. */
    static boolean redisAnswers() throws IOException, InterruptedException {
        String port = String.valueOf(Servers.redisUri().getPort());
        return run(List.of("redis-cli", "-p", port, "ping"), Duration.ofSeconds(5))
                .contains("PONG");
    }

    /** Terminates every session named {@value Servers#LOCK_APPLICATION}; returns how many. */
    static int terminateLockSessions(Connection connection) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement(
                        "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                                + " where application_name = ? and pid <> pg_backend_pid()");
                ResultSet row = executeWith(terminate, Servers.LOCK_APPLICATION)) {
            row.next();
            return row.getInt(1);
        }
    }

    private static ResultSet executeWith(PreparedStatement statement, String parameter) throws SQLException {
        statement.setString(1, parameter);
        return statement.executeQuery();
    }

    private static long awaitRedis(String port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (run(List.of("redis-cli", "-p", port, "ping"), Duration.ofSeconds(5))
                    .contains("PONG")) {
                return Micros.now();
            }
            Thread.sleep(50);
        }
        throw new IOException("Redis did not answer PING within " + timeout + " of its restart");
    }

    private static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command))
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IOException("Timed out: " + String.join(" ", command));
        }
        return new String(process.getInputStream().readAllBytes());
    }
}
