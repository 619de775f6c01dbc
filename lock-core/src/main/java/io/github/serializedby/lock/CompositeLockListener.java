package io.github.serializedby.lock;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells several listeners, in order, and contains their failures: a listener that throws is reported
 * (the first failure with its stack trace at WARNING, later ones at DEBUG) and the others are still told,
 * so a broken metrics listener never fails a lock call nor leaves a lock held. Only a {@link
 * VirtualMachineError} goes through, since nothing can be trusted after one.
 */
final class CompositeLockListener implements LockListener {

    private static final System.Logger LOG = System.getLogger(LockListener.class.getName());

    private final LockListener[] listeners;
    private final AtomicBoolean reported = new AtomicBoolean();

    CompositeLockListener(List<? extends LockListener> listeners) {
        this.listeners = listeners.toArray(LockListener[]::new);
    }

    @Override
    public void acquiring(LockRequest request, LockPolicy policy) {
        for (LockListener listener : listeners) {
            try {
                listener.acquiring(request, policy);
            } catch (Throwable e) {
                report(listener, "acquiring", request.name(), e);
            }
        }
    }

    @Override
    public void acquired(LockRequest request, Duration waited) {
        for (LockListener listener : listeners) {
            try {
                listener.acquired(request, waited);
            } catch (Throwable e) {
                report(listener, "acquired", request.name(), e);
            }
        }
    }

    @Override
    public void rejected(LockRequest request) {
        for (LockListener listener : listeners) {
            try {
                listener.rejected(request);
            } catch (Throwable e) {
                report(listener, "rejected", request.name(), e);
            }
        }
    }

    @Override
    public void timedOut(LockRequest request, Duration waited) {
        for (LockListener listener : listeners) {
            try {
                listener.timedOut(request, waited);
            } catch (Throwable e) {
                report(listener, "timedOut", request.name(), e);
            }
        }
    }

    @Override
    public void cancelled(LockRequest request, Duration waited) {
        for (LockListener listener : listeners) {
            try {
                listener.cancelled(request, waited);
            } catch (Throwable e) {
                report(listener, "cancelled", request.name(), e);
            }
        }
    }

    @Override
    public void failed(LockRequest request, RuntimeException error) {
        for (LockListener listener : listeners) {
            try {
                listener.failed(request, error);
            } catch (Throwable e) {
                report(listener, "failed", request.name(), e);
            }
        }
    }

    @Override
    public void released(LockRequest request, Duration held) {
        for (LockListener listener : listeners) {
            try {
                listener.released(request, held);
            } catch (Throwable e) {
                report(listener, "released", request.name(), e);
            }
        }
    }

    @Override
    public void leaseLost(Lease lease) {
        for (LockListener listener : listeners) {
            try {
                listener.leaseLost(lease);
            } catch (Throwable e) {
                report(listener, "leaseLost", lease.request().name(), e);
            }
        }
    }

    private void report(LockListener listener, String event, String lockName, Throwable failure) {
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        String message = "Lock listener " + listener + " threw in " + event + "() for lock '" + lockName
                + "'; the lock call went on without it";
        if (reported.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, message + " (later listener failures are logged at DEBUG)", failure);
        } else if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, message, failure);
        }
    }
}
