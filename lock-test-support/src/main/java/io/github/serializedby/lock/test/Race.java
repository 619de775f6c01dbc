package io.github.serializedby.lock.test;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fires calls at once and reports whether they overlapped inside a section that should be serialized.
 * The callers start together, released by one latch; the code under test marks its section with {@link
 * #inside(Callable)} (typically from a stubbed collaborator of the locked method), and {@link #run} reports
 * the most callers seen inside at once, the calls that completed and those that failed.
 *
 * <p>To make an overlap certain rather than likely, the first caller inside stays there until a second
 * caller is inside too, or until every other caller still running is blocked or waiting (for example on
 * the lock) or done; see {@link #lockListener} for calls that run on other threads. Unlocked, the section
 * is therefore always entered twice at once; locked, the report shows that the other callers contended
 * for it while it was held. Nothing depends on timing.
 *
 * <pre>{@code
 * Race race = Race.of(10);
 * // in the locked method's collaborator: race.inside(() -> ...)
 * Race.Result result = race.run(i -> mockMvc.perform(post("/orders/42/pay")).andExpect(status().isOk()));
 * assertThat(result.maxInside()).isEqualTo(1);
 * assertThat(result.completed()).isEqualTo(10);
 * }</pre>
 */
public final class Race {

    /** One caller's call; {@code caller} counts from 0. */
    @FunctionalInterface
    public interface Call {
        void call(int caller) throws Exception;
    }

    /**
     * What a run saw: the most callers inside the section at once, the sections entered, the calls that
     * returned normally, and what the others threw.
     */
    public record Result(int maxInside, int entered, int completed, List<Throwable> failures) {

        /** Whether two callers were ever inside the section at the same time. */
        public boolean overlapped() {
            return maxInside > 1;
        }
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final int callers;
    private final Duration timeout;
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger maxInside = new AtomicInteger();
    private final AtomicInteger entered = new AtomicInteger();
    /** Whether the hold is used up: before the first caller enters during a run, false. */
    private final AtomicBoolean held = new AtomicBoolean(true);

    private final AtomicInteger released = new AtomicInteger();
    private final AtomicInteger waitingForLock = new AtomicInteger();
    private volatile boolean listening;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    private Race(int callers, Duration timeout) {
        if (callers < 2) {
            throw new IllegalArgumentException("A race needs at least two callers, got " + callers);
        }
        this.callers = callers;
        this.timeout = timeout;
    }

    /** A race of {@code callers} calls, at least two, each given 30 seconds to finish. */
    public static Race of(int callers) {
        return new Race(callers, DEFAULT_TIMEOUT);
    }

    /** The same race, with {@code timeout} for all calls to finish. */
    public Race timeout(Duration timeout) {
        return new Race(callers, timeout);
    }

    /**
     * Runs {@code call} once on each of the callers' threads, all released together, and waits for them.
     *
     * @throws IllegalStateException when the calls do not all finish within the timeout
     */
    public Result run(Call call) {
        inside.set(0);
        maxInside.set(0);
        entered.set(0);
        held.set(false);
        released.set(0);
        waitingForLock.set(0);
        running.clear();
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(callers);
        AtomicInteger completed = new AtomicInteger();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int caller = i;
            Thread thread = new Thread(
                    () -> {
                        try {
                            ready.countDown();
                            go.await();
                            running.add(Thread.currentThread());
                            released.incrementAndGet();
                            call.call(caller);
                            completed.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        } finally {
                            running.remove(Thread.currentThread());
                            finished.countDown();
                        }
                    },
                    "race-caller-" + caller);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        try {
            awaitOrFail(ready, "the callers did not start");
            go.countDown();
            awaitOrFail(finished, "the calls did not finish within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
            throw new IllegalStateException("interrupted while racing", e);
        } finally {
            held.set(true);
        }
        return new Result(maxInside.get(), entered.get(), completed.get(), List.copyOf(failures));
    }

    /** Runs {@code section} as a section that should never be entered by two callers at once. */
    public <T> T inside(Callable<T> section) throws Exception {
        int now = inside.incrementAndGet();
        entered.incrementAndGet();
        maxInside.accumulateAndGet(now, Math::max);
        try {
            if (held.compareAndSet(false, true)) {
                holdForOthers();
            }
            return section.call();
        } finally {
            inside.decrementAndGet();
        }
    }

    /** As {@link #inside(Callable)}, for a section that returns nothing. */
    public void inside(Runnable section) throws Exception {
        inside(() -> {
            section.run();
            return null;
        });
    }

    /**
     * A listener that tells this race which callers wait for a lock. Register it (in a Spring test, as a
     * {@code LockListener} bean) when the calls run on a pool of threads other than the callers', as
     * WebFlux and {@code @Async} calls do: the callers' threads then wait for an answer whether the call is
     * locked or not, and the calls queued behind the first one on its pool thread cannot reach the lock.
     * With this listener the first caller inside stays until another caller is inside too or waits for the
     * lock. The pool needs at least two threads.
     */
    public LockListener lockListener() {
        listening = true;
        return new LockListener() {
            @Override
            public void acquiring(LockRequest request, LockPolicy policy) {
                waitingForLock.incrementAndGet();
            }

            @Override
            public void acquired(LockRequest request, Duration waited) {
                waitingForLock.decrementAndGet();
            }

            @Override
            public void rejected(LockRequest request) {
                waitingForLock.decrementAndGet();
            }

            @Override
            public void timedOut(LockRequest request, Duration waited) {
                waitingForLock.decrementAndGet();
            }

            @Override
            public void cancelled(LockRequest request, Duration waited) {
                waitingForLock.decrementAndGet();
            }

            @Override
            public void failed(LockRequest request, RuntimeException error) {
                waitingForLock.decrementAndGet();
            }
        };
    }

    /** Stays until another caller has been inside with this one, or the others are held back, or time is up. */
    private void holdForOthers() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (maxInside.get() < 2 && !othersHeldBack() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Whether, with {@link #lockListener}, another caller waits for a lock; without it, whether every
     * caller is past the start and each other one has its thread blocked, waiting or done.
     */
    private boolean othersHeldBack() {
        if (listening) {
            return waitingForLock.get() > 0;
        }
        if (released.get() < callers) {
            return false;
        }
        Thread self = Thread.currentThread();
        for (Thread other : running) {
            Thread.State state = other.getState();
            boolean parked = state == Thread.State.BLOCKED
                    || state == Thread.State.WAITING
                    || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.TERMINATED;
            if (other != self && !parked) {
                return false;
            }
        }
        return true;
    }

    private void awaitOrFail(CountDownLatch latch, String message) throws InterruptedException {
        if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(message);
        }
    }
}
