package io.github.serializedby.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Makes the Sentinel setup's replica miss every write from now on: stops its process ({@code SIGSTOP}),
     * so that it cannot reconnect, and cuts its link on the master ({@code CLIENT KILL TYPE replica}).
     * {@link #failOver} ends it.
     */
    static SentinelSetup cutReplica() throws IOException, InterruptedException {
        String[] master = sentinel("sentinel", "get-master-addr-by-name", Servers.redisSentinelMaster())
                .strip()
                .split("\\s+");
        if (master.length != 2) {
            throw new IOException("The sentinels name no master: " + String.join(" ", master));
        }
        Address masterAddress = new Address(master[0], Integer.parseInt(master[1]));
        Address replica = null;
        for (String line : redis(masterAddress, "info", "replication").split("\\r?\\n")) {
            if (line.startsWith("slave0:")) {
                replica = new Address(
                        line.replaceAll(".*ip=([^,]+).*", "$1"),
                        Integer.parseInt(line.replaceAll(".*port=([0-9]+).*", "$1")));
            }
        }
        if (replica == null) {
            throw new IOException("The master " + masterAddress + " has no replica");
        }
        long replicaPid = -1;
        for (String line : redis(replica, "info", "server").split("\\r?\\n")) {
            if (line.startsWith("process_id:")) {
                replicaPid =
                        Long.parseLong(line.substring("process_id:".length()).strip());
            }
        }
        if (replicaPid < 0) {
            throw new IOException("The replica " + replica + " gives no process id");
        }
        stop(replicaPid);
        SentinelSetup setup = new SentinelSetup(masterAddress, replica, replicaPid);
        try {
            redis(masterAddress, "client", "kill", "type", "replica");
        } catch (IOException | RuntimeException e) {
            resume(replicaPid);
            throw e;
        }
        return setup;
    }

    /**
     * Ends the master without saving, resumes the replica and waits until the sentinels name it master.
     * Returns the time (µs) the master had ended: no lock is granted from then until the promotion.
     */
    static long failOver(SentinelSetup setup, Duration timeout) throws IOException, InterruptedException {
        long at;
        try {
            // redis-cli returns once the server closed the connection, on its way out
            redis(setup.master(), "shutdown", "nosave");
            at = Micros.now();
        } finally {
            resume(setup.replicaPid());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String[] master = sentinel("sentinel", "get-master-addr-by-name", Servers.redisSentinelMaster())
                    .strip()
                    .split("\\s+");
            if (master.length == 2
                    && Integer.parseInt(master[1]) == setup.replica().port()) {
                return at;
            }
            Thread.sleep(100); // the sentinels tell nothing; they decide within seconds
        }
        throw new IOException("The sentinels did not promote " + setup.replica() + " within " + timeout);
    }

    /**
     * Starts the local topology {@code provider} runs on with its script ({@code scripts/redis-cluster.sh}
     * or {@code scripts/redis-sentinel.sh start}), which keeps a healthy one and restarts what is missing: a
     * master ended by {@link #failOver} comes back as a replica of the new one.
     */
    static void startTopology(ProviderKind provider) throws IOException, InterruptedException {
        String script = switch (provider) {
            case REDIS_CLUSTER -> "redis-cluster.sh";
            case REDIS_SENTINEL -> "redis-sentinel.sh";
            default -> null;
        };
        if (script == null) {
            return;
        }
        Path here = Path.of("").toAbsolutePath();
        Path path = here.resolve("scripts").resolve(script);
        if (!Files.exists(path) && here.getParent() != null) {
            path = here.getParent().resolve("scripts").resolve(script);
        }
        Process process = new ProcessBuilder("bash", path.toString(), "start")
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(path + " start did not finish within 120 s");
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.exitValue() != 0) {
            throw new IOException(path + " start failed: " + output.strip());
        }
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

    private static String sentinel(String... command) throws IOException, InterruptedException {
        IOException failure = new IOException("No sentinel answered " + String.join(" ", command));
        for (String node : Servers.redisSentinelNodes()) {
            int colon = node.lastIndexOf(':');
            try {
                String answer = redis(
                        new Address(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1))), command);
                if (!answer.isBlank() && !answer.startsWith("Could not connect")) {
                    return answer;
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    private static String redis(Address server, String... command) throws IOException, InterruptedException {
        List<String> line =
                new ArrayList<>(List.of("redis-cli", "-h", server.host(), "-p", String.valueOf(server.port())));
        line.addAll(List.of(command));
        return run(line, Duration.ofSeconds(10));
    }

    /** A server's address. */
    record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** The Sentinel setup's master and replica when a fail-over began, and the replica's process. */
    record SentinelSetup(Address master, Address replica, long replicaPid) {}

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
