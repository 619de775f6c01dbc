package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.support.StoredLock;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the locks of the JDBC stores share: their block of fencing tokens, and their end. Invariant: a
 * lock is in its store's {@code held} set exactly while it is held, and only the one call that takes it
 * out (a release or a loss) acts on its end, so a loss is reported once. Internal to lock-jdbc, public
 * only for its provider packages; not API.
 */
public abstract class HeldLock implements StoredLock {

    private final Set<? extends HeldLock> held;
    private final long token;
    private final long lastToken;
    private volatile boolean lost;
    private volatile @Nullable Runnable onLost;

    /** A lock that its store adds to {@code held} once it holds it. */
    protected HeldLock(Set<? extends HeldLock> held, long token, long lastToken) {
        this.held = held;
        this.token = token;
        this.lastToken = lastToken;
    }

    @Override
    public final long token() {
        return token;
    }

    @Override
    public final long lastToken() {
        return lastToken;
    }

    /** Not yet lost; a store whose lock may also lapse unseen adds its own condition. */
    @Override
    public boolean isValid() {
        return !lost;
    }

    @Override
    public final void onLost(Runnable callback) {
        this.onLost = callback;
    }

    /** Whether the lock is still held: neither released nor lost. */
    protected final boolean isHeld() {
        return held.contains(this);
    }

    /** Takes the lock out of its store's set: true for the one call that did, which acts on its end. */
    protected final boolean end() {
        return held.remove(this);
    }

    /** The lock is no longer held (its session ended, its lease ran out, its provider closes). */
    public final void lose() {
        if (!end()) {
            return;
        }
        lost = true;
        stopHolding();
        Runnable callback = onLost;
        if (callback != null) {
            callback.run();
        }
    }

    /** What the store does when the lock is lost, before the loss is reported: frees what kept it. */
    protected abstract void stopHolding();
}
