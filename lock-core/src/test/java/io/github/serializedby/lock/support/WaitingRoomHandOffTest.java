package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store that counts out blocks of tokens lets the room pass an exclusive lock from a releasing holder
 * to the next local waiter without a store call, in order of arrival, one token each, up to the block;
 * then it gives the lock back, and lets another process go first when the store says one waits.
 */
@Timeout(60)
class WaitingRoomHandOffTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration NO_RECHECK = Duration.ofHours(1);

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final WaitingRoom<String> room =
            new WaitingRoom<>(store, threads.workers, threads.delivery, threads.timer, NO_RECHECK, LockListener.NOOP);
    private final LockRequest writer = LockRequest.exclusive("room", "key");

    @AfterEach
    void closeThreads() {
        room.close();
        threads.close();
    }

    @Test
    void waitersGetTheLockInTurnWithoutAStoreCallUpToTheBlock() throws Exception {
        store.passOnExclusiveLocks(3);
        Lease first = room.tryAcquire(writer).orElseThrow();
        List<CompletableFuture<Optional<Lease>>> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiters.add(room.acquire(writer, WAIT));
        }
        int attemptsBefore = store.attempts.get();
        List<Long> tokens = new ArrayList<>(List.of(first.fencingToken()));
        first.release();
        int attemptsAfterHandOffs = 0;
        for (int i = 0; i < 2; i++) {
            Lease lease = waiters.get(i).get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(room.tryAcquire(writer))
                    .as("a try while the lock passes on")
                    .isEmpty();
            assertThat(waiters.get(i + 1))
                    .as("the next waiter, while the lock is held")
                    .isNotDone();
            tokens.add(lease.fencingToken());
            attemptsAfterHandOffs = store.attempts.get();
            lease.release();
        }
        assertThat(tokens).containsExactly(first.fencingToken(), first.fencingToken() + 1, first.fencingToken() + 2);
        assertThat(attemptsAfterHandOffs - attemptsBefore)
                .as("store attempts for the two hand-offs (the tries of the test fail locally)")
                .isZero();
        Lease third = waiters.get(2).get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(store.attempts.get()).as("the block used up, a new lock").isGreaterThan(attemptsAfterHandOffs);
        assertThat(third.fencingToken()).isGreaterThan(tokens.get(2));
        third.release();
        waiters.get(3).get(30, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(store.heldCount()).as("nothing held at the end").isZero();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void withoutABlockEveryHolderTakesANewLock() throws Exception {
        Lease first = room.tryAcquire(writer).orElseThrow();
        CompletableFuture<Optional<Lease>> second = room.acquire(writer, WAIT);
        first.release();
        Lease lease = second.get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(lease.fencingToken()).isEqualTo(first.fencingToken() + 1);
        assertThat(store.releasesToOthers).hasValue(0);
        lease.release();
        assertThat(store.heldCount()).isZero();
    }

    @Test
    void atTheBoundWaitersLetAnotherProcessGoFirstUntilASignal() throws Exception {
        store.passOnExclusiveLocks(2);
        store.othersWaitFor(TimeUnit.HOURS.toNanos(1));
        Lease first = room.tryAcquire(writer).orElseThrow();
        CompletableFuture<Optional<Lease>> second = room.acquire(writer, WAIT);
        CompletableFuture<Optional<Lease>> third = room.acquire(writer, WAIT);
        first.release();
        Lease passed = second.get(30, TimeUnit.SECONDS).orElseThrow();
        passed.release();
        assertThat(store.releasesToOthers)
                .as("the bound reached, released to others")
                .hasValue(1);
        // The store would grant now, but the other process has its turn until it is signalled.
        int attempts = store.attempts.get();
        // A waiter whose time runs out wakes the key's queue: it leaves, and the others keep waiting.
        CompletableFuture<Optional<Lease>> impatient = room.acquire(writer, Duration.ofMillis(50));
        assertThat(impatient.get(30, TimeUnit.SECONDS)).isEmpty();
        threads.workers.submit(() -> null).get(30, TimeUnit.SECONDS);
        assertThat(third).isNotDone();
        assertThat(store.attempts.get()).isEqualTo(attempts);

        room.signal("room/key");
        third.get(30, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(store.heldCount()).isZero();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void aWaiterThatLeftIsSkippedAndTheLockGoesBackWhenNobodyIsLeft() throws Exception {
        store.passOnExclusiveLocks(5);
        Lease first = room.tryAcquire(writer).orElseThrow();
        CompletableFuture<Optional<Lease>> gone = room.acquire(writer, WAIT);
        CompletableFuture<Optional<Lease>> next = room.acquire(writer, WAIT);
        gone.cancel(false);
        first.release();
        Lease lease = next.get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(lease.fencingToken()).isEqualTo(first.fencingToken() + 1);
        lease.release();
        assertThat(store.heldCount()).as("given back, nobody waiting").isZero();
        assertThat(room.activeKeyCount()).isZero();
    }
}
