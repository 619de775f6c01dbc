package io.github.serializedby.lock.support;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A store for testing the room: locks in a map guarded by this object, as a database would keep them. It
 * can hold a key for "another process", fail its next attempt with an {@link Error}, hold its next
 * attempt in flight, lose its holds, and
 * it counts attempts, waiting announcements and the threads that tried and released.
 */
final class TableStore implements LockStore<String> {

    /** Tokens a shared lock reserves, so that local readers can join it. */
    static final int SHARED_BLOCK = 10;

    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger waiting = new AtomicInteger();
    final Set<Thread> tryingThreads = ConcurrentHashMap.newKeySet();
    final Set<Thread> releasingThreads = ConcurrentHashMap.newKeySet();

    private final Map<String, Integer> readers = new HashMap<>();
    private final Map<String, Boolean> writers = new HashMap<>();
    private final List<Held> held = new ArrayList<>();
    private long tokens;
    private volatile boolean failNext;
    /** Tokens an exclusive lock reserves: more than one lets the room pass it on locally. */
    private volatile int exclusiveBlock = 1;
    /** What a release to others answers: how long the room's waiters leave the lock to another process. */
    private volatile long othersFirstNanos;

    final AtomicInteger releasesToOthers = new AtomicInteger();
    private volatile @Nullable Pause pauseNext;

    /** An attempt held between its start and its answer: {@code started} opens, then it awaits {@code resume}. */
    record Pause(CountDownLatch started, CountDownLatch resume) {}

    @Override
    public String key(LockRequest request) {
        return request.name() + "/" + request.key();
    }

    /** Exclusive locks reserve {@code tokens} tokens and may be passed on, as a store with hand-off allows. */
    void passOnExclusiveLocks(int tokens) {
        exclusiveBlock = tokens;
    }

    /** A release while local waiters remain says another process waits, for {@code nanos}. */
    void othersWaitFor(long nanos) {
        othersFirstNanos = nanos;
    }

    void failNextAttempt() {
        failNext = true;
    }

    /** Holds the next attempt at its start until the returned pause's {@code resume} is counted down. */
    Pause pauseNextAttempt() {
        Pause pause = new Pause(new CountDownLatch(1), new CountDownLatch(1));
        pauseNext = pause;
        return pause;
    }

    /** Takes {@code key} exclusively as another process would: the room does not know. */
    synchronized void holdElsewhere(String key) {
        writers.put(key, true);
    }

    synchronized void releaseElsewhere(String key) {
        writers.remove(key);
    }

    /** Loses every lock held through the room, as when the store's session ends. */
    void loseAll() {
        List<Held> lost;
        synchronized (this) {
            lost = List.copyOf(held);
        }
        lost.forEach(Held::lose);
    }

    @Override
    public @Nullable StoredLock tryLock(LockRequest request, String key, boolean waiting) {
        attempts.incrementAndGet();
        tryingThreads.add(Thread.currentThread());
        Pause pause = pauseNext;
        if (pause != null) {
            pauseNext = null;
            pause.started.countDown();
            try {
                pause.resume.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failNext) {
            failNext = false;
            throw new LinkageError("a driver that fails with an Error");
        }
        synchronized (this) {
            if (writers.containsKey(key)) {
                return null;
            }
            if (request.mode() == LockMode.EXCLUSIVE) {
                if (readers.getOrDefault(key, 0) > 0) {
                    return null;
                }
                writers.put(key, true);
                tokens += exclusiveBlock;
                return add(new Held(key, request.mode(), tokens - exclusiveBlock + 1, tokens));
            }
            readers.merge(key, 1, Integer::sum);
            tokens += SHARED_BLOCK;
            return add(new Held(key, request.mode(), tokens - SHARED_BLOCK + 1, tokens));
        }
    }

    private Held add(Held hold) {
        held.add(hold);
        return hold;
    }

    @Override
    public boolean startWaiting(String key) {
        waiting.incrementAndGet();
        return false;
    }

    @Override
    public void stopWaiting(String key) {
        waiting.decrementAndGet();
    }

    private synchronized boolean free(Held hold) {
        if (!held.remove(hold)) {
            return false;
        }
        if (hold.mode == LockMode.EXCLUSIVE) {
            writers.remove(hold.key);
        } else {
            readers.merge(hold.key, -1, (a, b) -> a + b == 0 ? null : a + b);
        }
        return true;
    }

    /** How many locks the store holds now for the room. */
    synchronized int heldCount() {
        return held.size();
    }

    private final class Held implements StoredLock {

        private final String key;
        private final LockMode mode;
        private final long token;
        private final long lastToken;
        private volatile boolean lost;
        private volatile @Nullable Runnable onLost;

        Held(String key, LockMode mode, long token, long lastToken) {
            this.key = key;
            this.mode = mode;
            this.token = token;
            this.lastToken = lastToken;
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public long lastToken() {
            return lastToken;
        }

        @Override
        public boolean isValid() {
            return !lost;
        }

        @Override
        public boolean mayHandOff() {
            return !lost && exclusiveBlock > 1;
        }

        @Override
        public long releaseToOthers() {
            releasesToOthers.incrementAndGet();
            release();
            return othersFirstNanos;
        }

        @Override
        public void release() {
            releasingThreads.add(Thread.currentThread());
            free(this);
        }

        @Override
        public void onLost(Runnable callback) {
            onLost = callback;
        }

        void lose() {
            if (free(this)) {
                lost = true;
                Runnable callback = onLost;
                if (callback != null) {
                    callback.run();
                }
            }
        }
    }
}
