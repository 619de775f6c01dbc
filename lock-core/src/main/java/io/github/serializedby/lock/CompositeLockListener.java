package io.github.serializedby.lock;

import java.time.Duration;
import java.util.List;

/** Tells several listeners, in order. */
final class CompositeLockListener implements LockListener {

    private final List<LockListener> listeners;

    CompositeLockListener(List<? extends LockListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void acquiring(LockRequest request, LockPolicy policy) {
        listeners.forEach(listener -> listener.acquiring(request, policy));
    }

    @Override
    public void acquired(LockRequest request, Duration waited) {
        listeners.forEach(listener -> listener.acquired(request, waited));
    }

    @Override
    public void rejected(LockRequest request) {
        listeners.forEach(listener -> listener.rejected(request));
    }

    @Override
    public void timedOut(LockRequest request, Duration waited) {
        listeners.forEach(listener -> listener.timedOut(request, waited));
    }

    @Override
    public void failed(LockRequest request, RuntimeException error) {
        listeners.forEach(listener -> listener.failed(request, error));
    }

    @Override
    public void released(LockRequest request, Duration held) {
        listeners.forEach(listener -> listener.released(request, held));
    }

    @Override
    public void leaseLost(Lease lease) {
        listeners.forEach(listener -> listener.leaseLost(lease));
    }
}
