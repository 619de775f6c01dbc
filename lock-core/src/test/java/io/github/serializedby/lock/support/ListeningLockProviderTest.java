package io.github.serializedby.lock.support;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.LockProviderUnavailableException;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What listeners hear through the decorator, on each of the three ways to acquire. */
@Timeout(60)
class ListeningLockProviderTest {

    private static final LockRequest REQUEST = LockRequest.exclusive("orders", "k1");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final InMemoryLockProvider memory = new InMemoryLockProvider();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final LockListener recording = new LockListener() {
        @Override
        public void acquiring(LockRequest request, LockPolicy policy) {
            events.add("acquiring " + policy);
        }

        @Override
        public void acquired(LockRequest request, Duration waited) {
            events.add("acquired");
        }

        @Override
        public void rejected(LockRequest request) {
            events.add("rejected");
        }

        @Override
        public void timedOut(LockRequest request, Duration waited) {
            events.add("timedOut");
        }

        @Override
        public void cancelled(LockRequest request, Duration waited) {
            events.add("cancelled");
        }

        @Override
        public void failed(LockRequest request, RuntimeException error) {
            events.add("failed " + error.getClass().getSimpleName());
        }

        @Override
        public void released(LockRequest request, Duration held) {
            events.add("released");
        }
    };

    @Test
    void theBlockingAndTheAsynchronousWaitAreHeardAlike() throws Exception {
        LockProvider listened = new ListeningLockProvider(memory, List.of(recording));

        listened.acquireBlocking(REQUEST, WAIT).orElseThrow().release();
        List<String> blocking = List.copyOf(events);
        events.clear();
        listened.acquire(REQUEST, WAIT).get(10, SECONDS).orElseThrow().release();

        assertThat(blocking).containsExactly("acquiring WAIT", "acquired", "released");
        assertThat(events).isEqualTo(blocking);
    }

    @Test
    void aRefusalIsARejectionForATryAndATimeoutForAWait() throws Exception {
        LockProvider listened = new ListeningLockProvider(memory, List.of(recording));
        Duration shortWait = Duration.ofMillis(20);

        try (Lease holder = memory.tryAcquire(REQUEST).orElseThrow()) {
            assertThat(listened.tryAcquire(REQUEST)).isEmpty();
            assertThat(listened.acquire(REQUEST, Duration.ZERO).get(10, SECONDS))
                    .isEmpty();
            assertThat(listened.acquireBlocking(REQUEST, shortWait)).isEmpty();
            assertThat(listened.acquire(REQUEST, shortWait).get(10, SECONDS)).isEmpty();
            assertThat(holder.isValid()).isTrue();
        }

        assertThat(events)
                .containsExactly(
                        "acquiring FAIL_FAST",
                        "rejected",
                        "acquiring FAIL_FAST",
                        "rejected",
                        "acquiring WAIT",
                        "timedOut",
                        "acquiring WAIT",
                        "timedOut");
    }

    @Test
    void aCancelledWaitIsHeardOnceAndALeaseGrantedAfterItIsGivenBack() {
        AtomicBoolean cancelAsked = new AtomicBoolean();
        CompletableFuture<Optional<Lease>> answer = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                cancelAsked.set(true);
                return false;
            }
        };
        LockProvider listened = new ListeningLockProvider(new Answering(memory, answer), List.of(recording));

        CompletableFuture<Optional<Lease>> waiting = listened.acquire(REQUEST, WAIT);
        assertThat(waiting.cancel(false)).isTrue();
        answer.complete(memory.tryAcquire(REQUEST));

        assertThat(cancelAsked).as("the wrapped wait is cancelled too").isTrue();
        assertThat(events).containsExactly("acquiring WAIT", "cancelled");
        assertThat(memory.tryAcquire(REQUEST)).as("the late lease was released").isPresent();
    }

    @Test
    void aFailedReleaseIsHeardAsAFailureNotAsARelease() {
        IllegalStateException broken = new IllegalStateException("store down on release");
        LockProvider failingRelease = new ForwardingLockProvider(memory) {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                Lease granted = delegate().tryAcquire(request).orElseThrow();
                return Optional.of(new AbstractLease(granted.request(), granted.fencingToken()) {
                    @Override
                    protected void doRelease() {
                        granted.release();
                        throw broken;
                    }
                });
            }
        };
        Lease lease = new ListeningLockProvider(failingRelease, List.of(recording))
                .tryAcquire(REQUEST)
                .orElseThrow();

        assertThatThrownBy(lease::release).isSameAs(broken);
        lease.release();

        assertThat(events).containsExactly("acquiring FAIL_FAST", "acquired", "failed IllegalStateException");
        assertThat(lease.isValid())
                .as("a lease whose release failed is not held")
                .isFalse();
    }

    @Test
    void aProviderFailureIsHeardAndThrownAsUnavailable() {
        IllegalStateException outage = new IllegalStateException("store down");
        LockProvider down = new ForwardingLockProvider(memory) {
            @Override
            public Optional<Lease> tryAcquire(LockRequest request) {
                throw outage;
            }
        };

        assertThatThrownBy(() -> new ListeningLockProvider(down, List.of(recording)).tryAcquire(REQUEST))
                .isInstanceOf(LockProviderUnavailableException.class)
                .hasCause(outage);

        assertThat(events).containsExactly("acquiring FAIL_FAST", "failed LockProviderUnavailableException");
    }

    @Test
    void anInterruptedWaitIsHeardAsCancelled() throws Exception {
        LockProvider listened = new ListeningLockProvider(memory, List.of(recording));
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        try (Lease holder = memory.tryAcquire(REQUEST).orElseThrow()) {
            Thread.currentThread().interrupt();
            try {
                listened.acquireBlocking(REQUEST, WAIT);
            } catch (InterruptedException e) {
                thrown.set(e);
            }
            assertThat(holder.isValid()).isTrue();
        }

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(events).containsExactly("acquiring WAIT", "cancelled");
    }

    /** Tries as its delegate does; every wait is answered by {@code answer}. */
    private static final class Answering extends ForwardingLockProvider {

        private final CompletableFuture<Optional<Lease>> answer;

        Answering(LockProvider delegate, CompletableFuture<Optional<Lease>> answer) {
            super(delegate);
            this.answer = answer;
        }

        @Override
        public CompletableFuture<Optional<Lease>> acquire(LockRequest request, Duration maxWait) {
            return answer;
        }

        @Override
        public Optional<Lease> acquireBlocking(LockRequest request, Duration maxWait) {
            throw new UnsupportedOperationException();
        }
    }
}
