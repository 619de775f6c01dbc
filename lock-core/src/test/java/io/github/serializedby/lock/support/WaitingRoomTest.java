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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The room's guarantees over a store that never waits: first come first served within a key, a waiting
 * writer before later readers, deadlines and cancellation, wake-up on a signal, hand-over without
 * nesting, no store call on an asynchronous caller's thread, readers sharing one stored lock, and lost
 * leases reported to a listener that throws.
 */
@Timeout(60)
class WaitingRoomTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Long enough that only a release or a signal, never a recheck, can wake a waiter in these tests. */
    private static final Duration NO_RECHECK = Duration.ofHours(1);

    private final RoomThreads threads = new RoomThreads();
    private final TableStore store = new TableStore();
    private final List<Lease> lost = new CopyOnWriteArrayList<>();
    private final LockListener throwingListener = new LockListener() {
        @Override
        public void leaseLost(Lease lease) {
            lost.add(lease);
            throw new IllegalStateException("a listener that fails");
        }
    };
    private final WaitingRoom<String> room =
            new WaitingRoom<>(store, threads.workers, threads.delivery, threads.timer, NO_RECHECK, throwingListener);
    private final LockRequest writer = LockRequest.exclusive("room", "key");
    private final LockRequest reader = LockRequest.shared("room", "key");

    @AfterEach
    void closeThreads() {
        room.close();
        threads.close();
    }

    /**
     * Two thousand nested hand-overs would take thousands of frames. The waits are long: under a loaded
     * machine serving them all once took over 30 s, and this test is about order and depth, not speed.
     */
    @Test
    @Timeout(300)
    void twoThousandWaitersReleasingInTheirContinuationAreServedInOrderWithoutNesting() throws Exception {
        int waiters = 2_000;
        Lease first = room.tryAcquire(writer).orElseThrow();
        ConcurrentLinkedQueue<Integer> served = new ConcurrentLinkedQueue<>();
        AtomicInteger deepestStack = new AtomicInteger();
        List<CompletableFuture<Void>> continuations = new ArrayList<>(waiters);
        for (int i = 0; i < waiters; i++) {
            int arrival = i;
            continuations.add(room.acquire(writer, Duration.ofMinutes(10)).thenAccept(granted -> {
                deepestStack.accumulateAndGet(
                        StackWalker.getInstance().walk(frames -> (int) frames.count()), Math::max);
                served.add(arrival);
                granted.orElseThrow().release();
            }));
        }

        first.release();

        CompletableFuture.allOf(continuations.toArray(CompletableFuture[]::new)).get(280, TimeUnit.SECONDS);
        assertThat(served)
                .containsExactlyElementsOf(IntStream.range(0, waiters).boxed().toList());
        assertThat(deepestStack.get()).as("stack depth at a grant").isLessThan(200);
        assertThat(room.activeKeyCount()).isZero();
        assertThat(store.waiting).hasValue(0);
    }

    @Test
    void aWaitingWriterIsServedBeforeLaterReaders() throws Exception {
        Lease firstReader = room.tryAcquire(reader).orElseThrow();
        CompletableFuture<Optional<Lease>> waitingWriter = room.acquire(writer, WAIT);
        awaitQueued();

        assertThat(room.tryAcquire(reader))
                .as("a later reader may not overtake the writer")
                .isEmpty();
        CompletableFuture<Optional<Lease>> laterReader = room.acquire(reader, WAIT);
        firstReader.release();

        Lease writerLease = waitingWriter.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(laterReader).isNotDone();
        writerLease.release();
        laterReader.get(10, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void aSignalWakesTheFirstWaiterOfAKeyHeldElsewhere() throws Exception {
        store.holdElsewhere(store.key(writer));
        CompletableFuture<Optional<Lease>> waiting = room.acquire(writer, WAIT);
        awaitQueued();

        store.releaseElsewhere(store.key(writer));
        room.signal(store.key(writer));

        waiting.get(10, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
    }

    @Test
    void aWaitEndsEmptyAtItsDeadlineAndStopsWaitingInTheStore() throws Exception {
        store.holdElsewhere(store.key(writer));

        Optional<Lease> granted = room.acquire(writer, Duration.ofMillis(50)).get(10, TimeUnit.SECONDS);

        assertThat(granted).isEmpty();
        Waits.until(() -> store.waiting.get() == 0 && room.activeKeyCount() == 0);
    }

    @Test
    void aCancelledWaiterLeavesTheQueueAndTheNextIsServed() throws Exception {
        Lease holder = room.tryAcquire(writer).orElseThrow();
        CompletableFuture<Optional<Lease>> cancelled = room.acquire(writer, WAIT);
        CompletableFuture<Optional<Lease>> next = room.acquire(writer, WAIT);

        assertThat(cancelled.cancel(false)).isTrue();
        holder.release();

        next.get(10, TimeUnit.SECONDS).orElseThrow().release();
        assertThat(room.activeKeyCount()).isZero();
        assertThat(store.heldCount()).isZero();
    }

    @Test
    void acquireMakesNoStoreCallOnTheCallersThread() throws Exception {
        Lease holder = room.tryAcquire(writer).orElseThrow();
        store.tryingThreads.clear();

        List<CompletableFuture<Optional<Lease>>> pending = List.of(
                room.acquire(LockRequest.exclusive("room", "free"), WAIT),
                room.acquire(LockRequest.exclusive("room", "without-waiting"), Duration.ZERO),
                room.acquire(writer, WAIT));
        boolean callerTried = store.tryingThreads.contains(Thread.currentThread());
        holder.release();

        for (CompletableFuture<Optional<Lease>> future : pending) {
            future.get(10, TimeUnit.SECONDS).orElseThrow().release();
        }
        assertThat(callerTried)
                .as("acquire called the store on the caller's thread")
                .isFalse();
    }

    @Test
    void acquireBlockingMakesItsFirstAttemptOnTheCallersThread() throws Exception {
        store.tryingThreads.clear();

        room.acquireBlocking(writer, WAIT).orElseThrow().release();

        assertThat(store.tryingThreads).containsExactly(Thread.currentThread());
    }

    @Test
    void readersShareOneStoredLockWithConsecutiveTokens() {
        Lease a = room.tryAcquire(reader).orElseThrow();
        Lease b = room.tryAcquire(reader).orElseThrow();

        assertThat(store.attempts).hasValue(1);
        assertThat(b.fencingToken()).isEqualTo(a.fencingToken() + 1);
        a.release();
        assertThat(store.heldCount()).isOne();
        b.release();
        assertThat(store.heldCount()).isZero();
    }

    @Test
    void everyLeaseOfALostLockIsReportedThoughTheListenerThrows() {
        Lease a = room.tryAcquire(reader).orElseThrow();
        Lease b = room.tryAcquire(reader).orElseThrow();
        Lease c = room.tryAcquire(LockRequest.exclusive("room", "other")).orElseThrow();

        store.loseAll();

        assertThat(lost).containsExactlyInAnyOrder(a, b, c);
        assertThat(a.isValid()).isFalse();
        assertThat(c.isValid()).isFalse();
    }

    /** Until the last waiter asked for has announced itself to the store, after its first attempt failed. */
    private void awaitQueued() throws InterruptedException {
        Waits.until(() -> store.waiting.get() > 0);
    }
}
