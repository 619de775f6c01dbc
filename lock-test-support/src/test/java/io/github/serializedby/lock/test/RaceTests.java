package io.github.serializedby.lock.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import io.github.serializedby.lock.support.ListeningLockProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RaceTests {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static void inside(Race race) {
        try {
            race.inside(() -> {});
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RepeatedTest(5)
    void unlockedCallsAreSeenInsideTogether() {
        Race race = Race.of(8);

        Race.Result result = race.run(caller -> race.inside(() -> {}));

        assertThat(result.overlapped()).isTrue();
        assertThat(result.maxInside()).isGreaterThanOrEqualTo(2);
        assertThat(result.entered()).isEqualTo(8);
        assertThat(result.completed()).isEqualTo(8);
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void callersAreReleasedTogether() throws Exception {
        CountDownLatch allInside = new CountDownLatch(4);
        Race race = Race.of(4);

        Race.Result result = race.run(caller -> race.inside(() -> {
            allInside.countDown();
            if (!allInside.await(20, TimeUnit.SECONDS)) {
                throw new TimeoutException("not all callers were inside together");
            }
            return null;
        }));

        assertThat(result.maxInside()).isEqualTo(4);
        assertThat(result.failures()).isEmpty();
    }

    @RepeatedTest(5)
    void callsUnderAMonitorLockNeverOverlap() {
        Object monitor = new Object();
        Race race = Race.of(8);

        Race.Result result = race.run(caller -> {
            synchronized (monitor) {
                race.inside(() -> {});
            }
        });

        assertThat(result.overlapped()).isFalse();
        assertThat(result.maxInside()).isEqualTo(1);
        assertThat(result.entered()).isEqualTo(8);
        assertThat(result.completed()).isEqualTo(8);
    }

    @RepeatedTest(5)
    void callsUnderAProviderLockNeverOverlap() {
        InMemoryLockProvider provider = new InMemoryLockProvider();
        LockRequest request = new LockRequest("race", "key", LockMode.EXCLUSIVE);
        Race race = Race.of(8);

        Race.Result result = race.run(caller -> {
            try (Lease lease =
                    provider.acquireBlocking(request, Duration.ofSeconds(20)).orElseThrow()) {
                race.inside(() -> {});
            }
        });

        assertThat(result.maxInside()).isEqualTo(1);
        assertThat(result.completed()).isEqualTo(8);
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void callsUnderAReentrantLockNeverOverlap() {
        ReentrantLock lock = new ReentrantLock();
        Race race = Race.of(3);

        Race.Result result = race.run(caller -> {
            lock.lockInterruptibly();
            try {
                race.inside(() -> {});
            } finally {
                lock.unlock();
            }
        });

        assertThat(result.maxInside()).isEqualTo(1);
        assertThat(result.completed()).isEqualTo(3);
    }

    @RepeatedTest(5)
    void callsHandedToOtherThreadsOverlapUnlocked() {
        Race race = Race.of(4);
        race.lockListener();

        Race.Result result = race.run(
                caller -> CompletableFuture.runAsync(() -> inside(race), pool).get());

        assertThat(result.overlapped()).isTrue();
        assertThat(result.completed()).isEqualTo(4);
    }

    @RepeatedTest(5)
    void callsHandedToOtherThreadsNeverOverlapUnderAListenedLock() {
        Race race = Race.of(4);
        LockProvider provider = new ListeningLockProvider(new InMemoryLockProvider(), List.of(race.lockListener()));
        LockRequest request = new LockRequest("race", "key", LockMode.EXCLUSIVE);

        Race.Result result = race.run(caller -> CompletableFuture.runAsync(
                        () -> {
                            try (Lease lease = provider.acquireBlocking(request, Duration.ofSeconds(20))
                                    .orElseThrow()) {
                                inside(race);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool)
                .get());

        assertThat(result.maxInside()).isEqualTo(1);
        assertThat(result.completed()).isEqualTo(4);
        assertThat(result.failures()).isEmpty();
    }

    @Test
    void failuresAreReportedNotThrown() {
        IllegalStateException boom = new IllegalStateException("boom");
        Race race = Race.of(4);

        Race.Result result = race.run(caller -> {
            if (caller % 2 == 0) {
                throw boom;
            }
        });

        assertThat(result.completed()).isEqualTo(2);
        assertThat(result.failures()).containsExactly(boom, boom);
        assertThat(result.entered()).isZero();
    }

    @Test
    void callsThatDoNotFinishInTimeFailTheRun() {
        CountDownLatch never = new CountDownLatch(1);
        Race race = Race.of(2).timeout(Duration.ofMillis(200));

        assertThatThrownBy(() -> race.run(caller -> never.await()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not finish");
    }

    @Test
    void outsideARunTheSectionRunsAtOnce() throws Exception {
        Race race = Race.of(2);

        assertThat(race.inside(() -> "ran")).isEqualTo("ran");
    }

    @Test
    void aRaceNeedsTwoCallers() {
        assertThatThrownBy(() -> Race.of(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
