package io.github.serializedby.lock.jdbc.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared and exclusive takers racing for a key no one has locked before, so that all of them create its
 * row at once: each is granted or refused, never failed as if the database were down, and an exclusive
 * holder is alone.
 */
@Timeout(120)
class LeaseTableNewKeyRaceTest {

    private static final int THREADS = 8;
    private static final int KEYS = 150;

    private final List<JdbcLeaseTableLockProvider> providers = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        providers.forEach(JdbcLeaseTableLockProvider::close);
    }

    @Test
    void mariaDbTakersOfANewKeyAreGrantedOrRefusedNeverFailed() throws Exception {
        race(TestDatabases.mariadb());
    }

    @Test
    void postgresTakersOfANewKeyAreGrantedOrRefusedNeverFailed() throws Exception {
        race(TestDatabases.postgres());
    }

    private void race(DataSource database) throws Exception {
        for (int i = 0; i < 2; i++) {
            providers.add(JdbcLeaseTableLockProvider.builder(TestDatabases.pooled(database))
                    .createTable(true)
                    .build());
        }
        String name = "new-key-race." + UUID.randomUUID();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger overlaps = new AtomicInteger();
        for (int k = 0; k < KEYS; k++) {
            String key = "k" + k;
            CyclicBarrier start = new CyclicBarrier(THREADS);
            AtomicInteger exclusive = new AtomicInteger();
            AtomicInteger shared = new AtomicInteger();
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                boolean wantsShared = t % 2 == 0;
                JdbcLeaseTableLockProvider provider = providers.get(t % providers.size());
                calls.add(threads.submit(() -> {
                    start.await();
                    LockRequest request =
                            wantsShared ? LockRequest.shared(name, key) : LockRequest.exclusive(name, key);
                    Optional<Lease> lease;
                    try {
                        lease = provider.tryAcquire(request);
                    } catch (RuntimeException e) {
                        failures.add(e);
                        return null;
                    }
                    if (lease.isPresent()) {
                        AtomicInteger mine = wantsShared ? shared : exclusive;
                        mine.incrementAndGet();
                        if (exclusive.get() > 1 || (exclusive.get() == 1 && shared.get() > 0)) {
                            overlaps.incrementAndGet();
                        }
                        mine.decrementAndGet();
                        lease.get().release();
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(overlaps).hasValue(0);
    }
}
