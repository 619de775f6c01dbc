package io.github.serializedby.harness;

import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * One worker process: its threads lock random keys and, holding the lock, read a counter and write it
 * back plus one in one transaction, guarded by the lease's token as {@link Guard} says. The critical
 * section runs only with a lease; it writes even when the lease was lost meanwhile, since testing the
 * guard is the point. Tells the coordinator on
 * stdout: {@code READY} after its first operation, {@code HOLDING key token}, {@code LOST token}, and at
 * the end {@code DONE ...}; hears on stdin {@code HOLD} (the first thread signals and keeps its next lock)
 * and {@code STOP} (or the end of input).
 */
public final class Worker {

    static final String LOCK_NAME = "harness";

    /** How long a worker outlives its planned duration when the coordinator never says stop. */
    static final Duration OVERTIME = Duration.ofMinutes(2);

    private final WorkerConfig config;
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean holdRequested;
    private volatile boolean stopped;

    private Worker(WorkerConfig config) {
        this.config = config;
    }

    /** Runs a worker; the arguments are those of {@link WorkerConfig#toArgs()}. */
    public static void main(String[] args) throws Exception {
        new Worker(WorkerConfig.parse(args)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        LockListener listener = new LockListener() {
            @Override
            public void leaseLost(Lease lease) {
                say("LOST " + lease.fencingToken());
            }
        };
        Thread commands = new Thread(this::readCommands, "commands");
        commands.setDaemon(true);
        commands.start();
        try (ProviderKind.Opened opened = config.provider().open(config.lease(), listener, false);
                HikariDataSource pool = Servers.harnessPool(config.threads())) {
            CounterTable counters = new CounterTable(pool, config.runId(), config.guard());
            long end = System.nanoTime() + config.duration().plus(OVERTIME).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < config.threads(); i++) {
                int index = i;
                Thread thread = new Thread(
                        () -> loop(opened.provider(), counters, index, end), "worker-" + config.worker() + "-" + index);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        say("DONE operations=" + operations + " unavailable=" + unavailable + " timedOut=" + timedOut + " errors="
                + errors);
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && !line.equals("STOP"); line = in.readLine()) {
                if (line.equals("HOLD")) {
                    holdRequested = true;
                }
            }
        } catch (IOException e) {
            // the coordinator is gone: stop as at the end of the input
        }
        stopped = true;
    }

    private void loop(LockProvider provider, CounterTable counters, int thread, long end) {
        boolean holder = thread == 0 && config.holds();
        while (!stopped && System.nanoTime() - end < 0) {
            boolean hold = holder && holdRequested;
            if (operate(provider, counters, thread, hold) && hold) {
                holder = false;
            }
        }
    }

    /** One locked read-modify-write; true when it ran. */
    private boolean operate(LockProvider provider, CounterTable counters, int thread, boolean hold) {
        String key = CounterTable.key(ThreadLocalRandom.current().nextInt(config.keys()));
        Optional<Lease> granted;
        try {
            granted = provider.acquireBlocking(LockRequest.exclusive(LOCK_NAME, key), Duration.ofSeconds(2));
        } catch (LockProviderUnavailableException e) {
            unavailable.incrementAndGet();
            pause(Duration.ofMillis(100));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (granted.isEmpty()) {
            timedOut.incrementAndGet();
            return false;
        }
        Lease lease = granted.get();
        var entry = new CounterTable.HistoryEntry(config.worker(), thread, Micros.now());
        try {
            at(Pause.BEGIN, hold, key, lease);
            long id = counters.increment(key, lease, entry, pause -> at(pause, hold, key, lease));
            long releasing = Micros.now();
            release(lease);
            if (operations.incrementAndGet() == 1) {
                say("READY");
            }
            counters.released(id, releasing);
            return true;
        } catch (DataAccessException | TransactionException e) {
            errors.incrementAndGet();
            e.printStackTrace();
            release(lease);
            return false;
        }
    }

    /** At {@code pause}: the holder signals and keeps its lock when it is where the fault strikes. */
    private void at(Pause pause, boolean hold, String key, Lease lease) {
        if (hold && pause == config.pause()) {
            say("HOLDING " + key + " " + lease.fencingToken());
            pause(config.holdFor());
        } else if (pause == Pause.READ) {
            pause(Duration.ofMillis(ThreadLocalRandom.current().nextInt(1, 4)));
        }
    }

    private void release(Lease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            unavailable.incrementAndGet();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
