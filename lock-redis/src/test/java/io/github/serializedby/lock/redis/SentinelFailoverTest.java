package io.github.serializedby.lock.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a Sentinel fail-over does to locks. Replication is asynchronous: a lock the replica had received
 * survives the promotion; one granted after the replica's last update is lost, and another instance is
 * granted it while its first holder still believes it holds it, until that holder's next renewal, which
 * reports the lease lost. The fence key of the lost lock is lost with it, and the next token is still
 * larger: it falls back to the new master's clock ({@link LockScripts}), which on one machine is always
 * ahead. A resource that keeps the largest token it saw rejects the stale holder's writes.
 *
 * <p>The replica is made to miss the last lock for certain: it sleeps ({@code DEBUG SLEEP}, allowed for
 * local clients by {@code scripts/redis-sentinel.sh}), its link is cut on the master, the lock is granted,
 * and the master is shut down before the replica wakes. The setup is restored by the script afterwards:
 * the old master rejoins as a replica of the new one.
 */
@Timeout(300)
class SentinelFailoverTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String name = "failover." + UUID.randomUUID();
    private final LockRequest survivor = LockRequest.exclusive(name, "replicated");
    private final LockRequest lost = LockRequest.exclusive(name, "not-replicated");
    private final BlockingQueue<Lease> lostLeases = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final RedisClient control = RedisClient.create();
    private @Nullable Path script;

    @BeforeEach
    void requireSentinelAndItsScript() {
        RedisTopology.SENTINEL.requireReachable();
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        script = Files.exists(here.resolve("scripts/redis-sentinel.sh"))
                ? here.resolve("scripts/redis-sentinel.sh")
                : here.resolveSibling("scripts/redis-sentinel.sh");
        Assumptions.assumeTrue(Files.exists(script), "scripts/redis-sentinel.sh restores the setup afterwards");
    }

    @AfterEach
    void restoreTheSetup() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        control.shutdown();
        if (script == null || !Files.exists(script)) {
            return;
        }
        Process start = new ProcessBuilder("bash", script.toString(), "start")
                .redirectErrorStream(true)
                .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "serializedby-sentinel-restore.log"))
                .start();
        assertThat(start.waitFor(120, TimeUnit.SECONDS))
                .as("restored within 120 s")
                .isTrue();
        assertThat(start.exitValue()).as("scripts/redis-sentinel.sh start").isZero();
    }

    @Test
    void aFailoverKeepsReplicatedLocksLosesTheOthersAndTokensStillGrow() throws Exception {
        RedisLockOptions options = RedisLockOptions.builder()
                .renewEvery(Duration.ofSeconds(1))
                .operationTimeout(Duration.ofSeconds(5))
                .listener(new LockListener() {
                    @Override
                    public void leaseLost(Lease lease) {
                        lostLeases.add(lease);
                    }
                })
                .build();
        RedisLockProvider first = open(options);
        RedisLockProvider second = open(options);
        LockKeys survivorKeys = LockKeys.of(options.prefix(), survivor);
        LockKeys lostKeys = LockKeys.of(options.prefix(), lost);

        InetSocketAddress oldMaster = master();
        RedisCommands<String, String> master = connect(oldMaster);
        InetSocketAddress replicaAddress = replicaOf(master);
        RedisCommands<String, String> replica = connect(replicaAddress);

        // A lock, its fence key and a waiter of the other instance, all on the replica too.
        Lease survivorLease = first.tryAcquire(survivor).orElseThrow();
        CompletableFuture<Optional<Lease>> waiter = second.acquire(survivor, Duration.ofSeconds(240));
        await(
                "the waiter's marker on the replica",
                () -> replica.hexists(survivorKeys.hash(), "waiting") && replica.exists(survivorKeys.fence()) == 1);

        // A lock the replica never receives, then the master's end.
        // One second: long enough for the next three commands, short of the sentinels' 2 s to call it down.
        connect(replicaAddress)
                .getStatefulConnection()
                .async()
                .dispatch(
                        CommandType.DEBUG,
                        new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(1));
        master.clientKill(KillArgs.Builder.typeSlave());
        assertThat(master.info("replication")).contains("connected_slaves:0");
        Lease lostLease = first.tryAcquire(lost).orElseThrow();
        try {
            master.shutdown(false);
        } catch (RuntimeException expected) {
            // The connection ends with the server.
        }

        await("the sentinels' promotion of " + replicaAddress, () -> master().equals(replicaAddress));
        assertThat(replica.exists(lostKeys.hash(), lostKeys.fence()))
                .as("the lock granted last and its fence key on the new master")
                .isZero();

        // The other instance is granted the lost lock while its first holder still counts as holding it.
        Lease takenOver = retry(() -> second.tryAcquire(lost)).orElseThrow();
        assertThat(takenOver.fencingToken())
                .as("a token from the new master's clock, its fence key lost")
                .isGreaterThan(lostLease.fencingToken());
        FencedResource resource = new FencedResource();
        assertThat(resource.write(takenOver.fencingToken())).isTrue();
        assertThat(resource.write(lostLease.fencingToken()))
                .as("the stale holder's write")
                .isFalse();

        // Its next renewal tells the first holder; the replicated lock is kept.
        Lease reported = lostLeases.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reported).as("lease-lost event").isNotNull();
        assertThat(reported.fencingToken()).isEqualTo(lostLease.fencingToken());
        assertThat(lostLease.isValid()).isFalse();
        assertThat(survivorLease.isValid()).isTrue();
        assertThat(lostLeases).as("leases lost besides the unreplicated one").isEmpty();

        // A waiter's retry that cannot reach Redis within the operation timeout fails it (fail closed);
        // whether one fell into the outage depends on how long the promotion took. It is never granted
        // while the lock is held, and one queued now is woken by a release on the new master.
        if (waiter.isDone()) {
            assertThat(waiter).isCompletedExceptionally();
            System.out.println("SentinelFailoverTest: the waiter queued before the fail-over failed: "
                    + waiter.handle((lease, failure) -> failure).join());
            waiter = second.acquire(survivor, Duration.ofSeconds(240));
        }
        await("a waiter's marker on the new master", () -> replica.hexists(survivorKeys.hash(), "waiting"));
        assertThat(waiter).isNotDone();
        survivorLease.release();
        Lease next = waiter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).orElseThrow();
        assertThat(next.fencingToken()).isGreaterThan(survivorLease.fencingToken());
        next.release();
        takenOver.release();
        first.tryAcquire(lost).orElseThrow().release();
    }

    /** Keeps the largest token it accepted, and refuses writes with a smaller one. */
    private static final class FencedResource {
        private long highest;

        synchronized boolean write(long token) {
            if (token <= highest) {
                return false;
            }
            highest = token;
            return true;
        }
    }

    private RedisLockProvider open(RedisLockOptions options) {
        RedisTopology.Connected connection = RedisTopology.SENTINEL.connect();
        resources.add(connection);
        RedisLockProvider provider = new RedisLockProvider(connection.factory(), options);
        resources.add(provider);
        return provider;
    }

    private InetSocketAddress master() {
        String first = RedisTopology.SENTINEL_NODES.get(0);
        int colon = first.lastIndexOf(':');
        RedisURI sentinel = RedisURI.create(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
        try (var connection = control.connectSentinel(sentinel)) {
            InetSocketAddress address =
                    (InetSocketAddress) connection.sync().getMasterAddrByName(RedisTopology.SENTINEL_MASTER);
            return InetSocketAddress.createUnresolved(address.getHostString(), address.getPort());
        }
    }

    /** The replica as its master lists it ({@code slave0:ip=...,port=...}). */
    private static InetSocketAddress replicaOf(RedisCommands<String, String> master) {
        for (String line : master.info("replication").split("\r?\n")) {
            if (line.startsWith("slave0:")) {
                String ip = line.replaceAll(".*ip=([^,]+).*", "$1");
                int port = Integer.parseInt(line.replaceAll(".*port=([0-9]+).*", "$1"));
                return InetSocketAddress.createUnresolved(ip, port);
            }
        }
        throw new AssertionError("the master has no replica: " + master.info("replication"));
    }

    private RedisCommands<String, String> connect(InetSocketAddress address) {
        StatefulRedisConnection<String, String> connection =
                control.connect(RedisURI.create(address.getHostString(), address.getPort()));
        resources.add(connection);
        return connection.sync();
    }

    /** Polls {@code done} (a few times a second) until true; fails after {@link #PATIENCE}. */
    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.get()) {
            assertThat(System.nanoTime() - deadline).as("waited for " + what).isNegative();
            Thread.sleep(200); // waiting for Redis and its sentinels, which tell nothing
        }
    }

    /** The first answer of {@code call}, trying again while the provider reconnects to the new master. */
    private static <T> T retry(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(200); // the reconnect happens in Lettuce, which tells nothing
            }
        }
    }
}
