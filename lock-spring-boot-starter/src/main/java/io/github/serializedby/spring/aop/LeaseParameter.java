package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockSpec;
import io.github.serializedby.spring.SerializedByConfigurationException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The parameter of a {@code @SerializedBy} method that receives the leases of its call, of type {@link
 * Lease} (a call of one key) or {@link HeldLocks} (one lease per key): the interceptor fills it, replacing
 * what the caller passed. Methods without one cost nothing.
 */
final class LeaseParameter {

    /** Where a call's leases are looked up: the thread's chain or a reactive chain's context. */
    @FunctionalInterface
    interface Lookup {
        @Nullable
        Lease find(String name, String key);
    }

    static final LeaseParameter NONE = new LeaseParameter(-1, false);

    private final int index;
    private final boolean single;

    private LeaseParameter(int index, boolean single) {
        this.index = index;
        this.single = single;
    }

    /**
     * The lease parameter of {@code method}, or {@link #NONE}.
     *
     * @throws SerializedByConfigurationException when it declares more than one
     */
    static LeaseParameter of(Method method, int keyExpressions) {
        LeaseParameter found = NONE;
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Lease.class || types[i] == HeldLocks.class) {
                if (found != NONE) {
                    throw new SerializedByConfigurationException(
                            method, "at most one parameter may receive the call's leases (Lease or HeldLocks)");
                }
                found = new LeaseParameter(i, types[i] == Lease.class);
            }
        }
        if (found.single && keyExpressions > 1) {
            throw new SerializedByConfigurationException(
                    method, "a Lease parameter receives the lease of one key; with several keys declare HeldLocks");
        }
        return found;
    }

    boolean present() {
        return index >= 0;
    }

    /**
     * Puts the leases of {@code spec}'s keys, found by {@code lookup}, into {@code arguments}.
     *
     * @throws IllegalStateException when a Lease parameter meets a key expression that gave several keys
     */
    void fill(@Nullable Object[] arguments, LockSpec spec, Lookup lookup) {
        fill(arguments, collect(spec, lookup));
    }

    /** Puts {@code call}, the leases of a call, into {@code arguments}. */
    void fill(@Nullable Object[] arguments, HeldLocks call) {
        if (single && call.leases().size() != 1) {
            throw new IllegalStateException(
                    call.leases().size()
                            + " keys were locked for this call, so its Lease parameter is ambiguous; declare HeldLocks instead");
        }
        arguments[index] = single ? call.lease() : call;
    }

    /**
     * The leases of {@code spec}'s keys, each once, as {@code lookup} finds them, in the order the keys are
     * locked (sorted), so that fences touch their rows in one order too.
     */
    static HeldLocks collect(LockSpec spec, Lookup lookup) {
        List<Lease> leases = new ArrayList<>(spec.keys().size());
        for (String key : new TreeSet<>(spec.keys())) {
            Lease lease = lookup.find(spec.name(), key);
            if (lease == null) {
                throw new IllegalStateException("lock '" + spec.name() + "' holds no lease for a key of this call");
            }
            if (!leases.contains(lease)) {
                leases.add(lease);
            }
        }
        return HeldLocks.of(leases);
    }
}
