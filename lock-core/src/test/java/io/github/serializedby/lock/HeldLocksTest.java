package io.github.serializedby.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leases of the current thread's calls, as code inside them reads them. */
@Timeout(60)
class HeldLocksTest {

    private final InMemoryLockProvider provider = new InMemoryLockProvider();
    private final LockExecutor executor = new LockExecutor(provider);

    @Test
    void outsideAnyCallNothingIsHeld() {
        assertThat(HeldLocks.current().isEmpty()).isTrue();
        assertThatThrownBy(() -> HeldLocks.current().token()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCallSeesItsLeaseAndItsToken() {
        HeldLocks inside = executor.execute(
                LockRequest.exclusive("accounts", "a1"), LockPolicy.FAIL_FAST, Duration.ZERO, HeldLocks::current);

        assertThat(inside.leases()).hasSize(1);
        assertThat(inside.lease().request()).isEqualTo(LockRequest.exclusive("accounts", "a1"));
        assertThat(inside.token()).isEqualTo(inside.lease().fencingToken());
        assertThat(HeldLocks.current().isEmpty()).isTrue();
    }

    @Test
    void aNestedCallThatReentersSeesTheOuterLease() {
        executor.run(LockSpec.failFast("accounts", "a1"), () -> {
            Lease outer = HeldLocks.current().lease("a1");
            executor.run(LockSpec.failFast("accounts", "a1"), () -> {
                assertThat(HeldLocks.current().lease("a1")).isSameAs(outer);
                assertThat(HeldLocks.current().leases()).hasSize(1);
            });
            executor.run(LockSpec.failFast("transfers", "t1"), () -> {
                HeldLocks both = HeldLocks.current();
                assertThat(both.leases()).hasSize(2);
                assertThat(both.find("accounts", "a1")).isSameAs(outer);
                assertThatThrownBy(both::lease).hasMessageContaining("2 leases");
            });
        });
    }

    @Test
    void aMultiKeyCallHasOneTokenPerKey() {
        executor.run(LockSpec.failFast("transfer", "b", "a"), () -> {
            HeldLocks held = HeldLocks.current();
            assertThat(held.leases()).extracting(lease -> lease.request().key()).containsExactly("a", "b");
            assertThat(held.token("a")).isEqualTo(held.lease("a").fencingToken());
            assertThat(held.token("b")).isEqualTo(held.lease("b").fencingToken());
        });
    }

    @Test
    void aVirtualThreadSeesItsOwnCallsOnly() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 or newer");
        ExecutorService threads = (ExecutorService)
                Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            HeldLocks seen = threads.submit(() -> executor.execute(LockSpec.failFast("v", "k"), HeldLocks::current))
                    .get(10, TimeUnit.SECONDS);
            assertThat(seen.lease().request().key()).isEqualTo("k");
            executor.run(LockSpec.failFast("v", "mine"), () -> {
                HeldLocks other = CompletableFuture.supplyAsync(HeldLocks::current, threads)
                        .join();
                assertThat(other.isEmpty()).isTrue();
            });
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anotherExecutorDoesNotReenterTheseLeasesButTheyAreSeen() {
        LockExecutor second = new LockExecutor(provider);
        executor.run(LockSpec.failFast("x", "k"), () -> {
            assertThat(second.heldByCurrentThread("x", "k")).isNull();
            assertThat(executor.heldByCurrentThread("x", "k")).isNotNull();
            assertThatThrownBy(() -> second.run(LockSpec.failFast("x", "k"), () -> {}))
                    .isInstanceOf(LockNotAcquiredException.class);
            assertThat(HeldLocks.current().leases()).hasSize(1);
        });
    }
}
