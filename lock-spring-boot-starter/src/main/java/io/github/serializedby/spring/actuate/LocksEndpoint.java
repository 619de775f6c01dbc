package io.github.serializedby.spring.actuate;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.support.WaitBounds;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.aop.LockSettings;
import io.github.serializedby.spring.aop.LockedMethod;
import io.github.serializedby.spring.aop.LockedMethods;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code locks} endpoint: the provider, the effective configuration of each lock name (its wait
 * bounds included), the locks held now with their waiters, and the callers waiting now against the bounds. Keys are masked unless {@code
 * management.endpoint.locks.show-values} allows them. Force-releasing a lock is a delete operation,
 * available only with {@code management.endpoint.locks.access=unrestricted}, and logged.
 */
@Endpoint(id = "locks", defaultAccess = Access.READ_ONLY)
public class LocksEndpoint {

    private static final Log logger = LogFactory.getLog(LocksEndpoint.class);
    private static final String MASK = "******";

    private final String provider;
    private final String providerReason;
    private final LockedMethods methods;
    private final LockActivity activity;
    private final Show showValues;
    private final Set<String> roles;
    private final WaitBounds waitBounds;

    public LocksEndpoint(
            String provider,
            String providerReason,
            LockedMethods methods,
            LockActivity activity,
            Show showValues,
            Set<String> roles,
            WaitBounds waitBounds) {
        this.waitBounds = waitBounds;
        this.provider = provider;
        this.providerReason = providerReason;
        this.methods = methods;
        this.activity = activity;
        this.showValues = showValues;
        this.roles = Set.copyOf(roles);
    }

    @ReadOperation
    public LocksDescriptor locks(SecurityContext securityContext) {
        boolean showKeys = showValues.isShown(securityContext, roles);
        Map<String, LockSettings> configuration = new TreeMap<>();
        for (LockedMethod method : methods.all()) {
            configuration.put(method.name(), method.settings());
        }
        List<HeldLockDescriptor> held = activity.held().stream()
                .map(lock -> new HeldLockDescriptor(
                        lock.name(),
                        showKeys ? lock.key() : MASK,
                        lock.mode(),
                        lock.heldSince(),
                        lock.fencingToken(),
                        activity.waiting(lock.name(), lock.key())))
                .toList();
        WaitingDescriptor waiting = new WaitingDescriptor(
                waitBounds.maxWaiting(), waitBounds.waiting(), waitBounds.defaults(), waitBounds.waitingByLock());
        return new LocksDescriptor(provider, providerReason, configuration, held, waiting);
    }

    @DeleteOperation
    public ReleasedDescriptor release(@Selector String name, @Selector String key) {
        int released = activity.forceRelease(name, key);
        logger.warn("Force-released " + released + " lease(s) of lock '" + name + "' through the locks endpoint");
        return new ReleasedDescriptor(name, released);
    }

    /**
     * What the endpoint shows.
     *
     * @param provider the lock provider in use
     * @param providerReason why that provider is used, and how far its locks reach
     * @param locks the effective configuration per lock name
     * @param held the locks held now by this instance
     * @param waiting the bounds on waiting in this instance and how many callers wait now
     */
    public record LocksDescriptor(
            String provider,
            String providerReason,
            Map<String, LockSettings> locks,
            List<HeldLockDescriptor> held,
            WaitingDescriptor waiting)
            implements OperationResponseBody {}

    /**
     * The bounds on waiting in this instance (per JVM) and the callers waiting now.
     *
     * @param maxWaiting the most callers that may wait across the application
     * @param waiting callers waiting across the application now
     * @param defaults the limits of lock names not configured otherwise (each lock's own are in {@code locks})
     * @param waitingByLock callers waiting now per lock name configured or waited for
     */
    public record WaitingDescriptor(
            int maxWaiting, int waiting, WaitLimits defaults, Map<String, Integer> waitingByLock) {}

    /**
     * A lock held now.
     *
     * @param name the lock name
     * @param key the key, or a mask
     * @param mode exclusive or shared
     * @param heldSince when it was granted
     * @param fencingToken the lease's token
     * @param waiters callers waiting for it now
     */
    public record HeldLockDescriptor(
            String name, String key, LockMode mode, Instant heldSince, long fencingToken, int waiters) {}

    /**
     * The result of a force-release.
     *
     * @param name the lock name
     * @param released how many leases were released
     */
    public record ReleasedDescriptor(String name, int released) implements OperationResponseBody {}
}
