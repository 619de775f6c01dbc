package io.github.serializedby.lock.redis;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One caller waiting for a lock, without a thread of its own: it tries again when a release is heard on
 * the lock's channel, when the entry in its way expires, when its waiting markers need refreshing, and ends
 * at its deadline.
 *
 * <p>Invariant: at most one attempt of a waiter is in Redis at a time ({@code running}); a wake-up that
 * arrives meanwhile is remembered ({@code again}) and causes one more attempt, so none is lost. The
 * deadline ends the wait between attempts; an attempt under way when it passes decides ({@code expired}),
 * so a free lock is granted even to a caller whose wait ran out while its first try was being sent.
 */
final class Waiter {

    final LockRequest request;
    final LockKeys keys;
    final String token;
    final CompletableFuture<Optional<Lease>> future = new CompletableFuture<>();
    /** A thread is parked on {@link #future} and no caller's stage depends on it. */
    final boolean threadBlocked;
    /** The caller waits: false for a single try, which sets no waiting markers. */
    final boolean waits;

    private final RedisLockProvider provider;
    private final long deadline;
    private boolean running = true;
    private boolean again;
    private boolean expired;
    /** A try was granted or failed: its outcome is on its way to the future, nothing may overtake it. */
    private boolean decided;

    private boolean markerToRemove;
    private @Nullable ScheduledFuture<?> retryTimer;
    private @Nullable ScheduledFuture<?> deadlineTimer;

    Waiter(
            RedisLockProvider provider,
            LockRequest request,
            LockKeys keys,
            String token,
            long deadline,
            boolean threadBlocked,
            boolean waits) {
        this.provider = provider;
        this.waits = waits;
        this.expired = !waits;
        this.threadBlocked = threadBlocked;
        this.request = request;
        this.keys = keys;
        this.token = token;
        this.deadline = deadline;
    }

    /** Ends the wait at the deadline: empty at once between tries, else when the try under way is refused. */
    synchronized void startDeadline() {
        if (waits) {
            long delay = Math.max(0, deadline - System.nanoTime());
            deadlineTimer = provider.schedule(this::deadlinePassed, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void deadlinePassed() {
        synchronized (this) {
            if (future.isDone() || decided) {
                return;
            }
            expired = true;
            if (running) {
                return;
            }
        }
        provider.complete(this, Optional.empty());
    }

    boolean isWriter() {
        return request.mode() == LockMode.EXCLUSIVE;
    }

    /** Something changed (a release was heard, or a timer fired): try again now, or right after the current try. */
    void wake() {
        synchronized (this) {
            if (future.isDone() || expired || decided) {
                return;
            }
            if (running) {
                again = true;
                return;
            }
            running = true;
            retryTimer = cancel(retryTimer);
        }
        provider.attempt(this);
    }

    /** The last try was refused; {@code retryInMillis} is when the entry in the way expires in Redis. */
    void refused(long retryInMillis) {
        boolean retry;
        synchronized (this) {
            if (future.isDone()) {
                running = false;
                stopWaitingIfDue();
                return;
            }
            retry = !expired;
            if (expired) {
                running = false;
            } else if (again) {
                again = false;
            } else {
                running = false;
                planTimer(retryInMillis);
                return;
            }
        }
        if (retry) {
            provider.attempt(this);
        } else {
            provider.complete(this, Optional.empty());
        }
    }

    /** The try ended otherwise (granted or failed): no try is in Redis any more. */
    synchronized void settled() {
        running = false;
        decided = true;
        stopWaitingIfDue();
    }

    /** Called once the future is complete, however: a writer's marker must go, now or after the current try. */
    synchronized void finished(boolean granted) {
        retryTimer = cancel(retryTimer);
        deadlineTimer = cancel(deadlineTimer);
        if (!granted && isWriter() && waits) {
            markerToRemove = true;
            if (!running) {
                stopWaitingIfDue();
            }
        }
    }

    private void stopWaitingIfDue() {
        if (markerToRemove) {
            markerToRemove = false;
            provider.stopWaiting(this);
        }
    }

    private void planTimer(long retryInMillis) {
        // Just after the entry in the way expires, in case its release message was lost, and before the
        // waiter's markers expire: releases publish only while someone is marked as waiting.
        long delay = Math.min(TimeUnit.MILLISECONDS.toNanos(retryInMillis + 2), provider.markerRefreshNanos());
        if (delay < deadline - System.nanoTime()) {
            retryTimer = provider.schedule(this::wake, delay, TimeUnit.NANOSECONDS);
        }
    }

    private static @Nullable ScheduledFuture<?> cancel(@Nullable ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
        return null;
    }
}
