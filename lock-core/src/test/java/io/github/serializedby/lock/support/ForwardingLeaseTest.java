package io.github.serializedby.lock.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Which hook a forwarding lease runs after the granted lease's release returned or threw. */
class ForwardingLeaseTest {

    private static final LockRequest REQUEST = LockRequest.exclusive("orders", "k1");

    private final List<String> hooks = new CopyOnWriteArrayList<>();

    @Test
    void aReleaseThatReturnsRunsReleasedOnce() {
        Lease lease = recording(granted(null));

        lease.release();
        lease.release();

        assertThat(hooks).containsExactly("released");
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aFailedReleaseCountsAsReleasedUnlessTheLeaseSaysOtherwise() {
        IllegalStateException broken = new IllegalStateException("store down on release");
        Lease lease = new ForwardingLease(granted(broken)) {
            @Override
            protected void released() {
                hooks.add("released");
            }
        };

        assertThatThrownBy(lease::release).isSameAs(broken);

        assertThat(hooks).as("a hold that ends in failure still ends").containsExactly("released");
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aLeaseThatHearsFailuresHearsOnlyTheFailure() {
        IllegalStateException broken = new IllegalStateException("store down on release");
        Lease lease = recording(granted(broken));

        assertThatThrownBy(lease::release).isSameAs(broken);
        lease.release();

        assertThat(hooks).containsExactly("releaseFailed store down on release");
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void anErrorOnReleaseEndsTheHoldAndGoesThrough() {
        StackOverflowError error = new StackOverflowError();
        Lease lease = recording(new AbstractLease(REQUEST, 1) {
            @Override
            protected void doRelease() {
                throw error;
            }
        });

        assertThatThrownBy(lease::release).isSameAs(error);

        assertThat(hooks).containsExactly("released");
    }

    private Lease recording(Lease granted) {
        return new ForwardingLease(granted) {
            @Override
            protected void released() {
                hooks.add("released");
            }

            @Override
            protected void releaseFailed(RuntimeException failure) {
                hooks.add("releaseFailed " + failure.getMessage());
            }
        };
    }

    /** A lease whose release throws {@code failure}, if any. */
    private static Lease granted(@Nullable RuntimeException failure) {
        return new AbstractLease(REQUEST, 1) {
            @Override
            protected void doRelease() {
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }
}
