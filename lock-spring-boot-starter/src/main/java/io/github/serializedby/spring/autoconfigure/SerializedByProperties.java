package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of {@code @SerializedBy} locks, under {@code serialized-by}.
 *
 * <p>Over 300 lines: a documented field, a getter and a setter for each property, the shape Spring Boot's
 * binder and configuration metadata read; the idempotency, JDBC and Redis properties have their own classes.
 * As a {@link Validator} of itself, it is checked once bound: a value that would break locking fails
 * start-up with Spring Boot's report naming the property.
 */
@ConfigurationProperties("serialized-by")
public class SerializedByProperties implements Validator {

    /** Whether @SerializedBy methods are locked; when false they run unguarded, as if not annotated. */
    private boolean enabled = true;

    /** Policy of methods that name none: wait for the key, or fail at once. */
    private LockPolicy policy = LockPolicy.WAIT;

    /** Longest wait for a key under the WAIT policy. */
    private Duration waitTimeout = Duration.ofSeconds(5);

    /**
     * Time a remote provider keeps a lock without renewal if its holder dies; renewed while the holder
     * runs. In-memory leases never expire.
     */
    private Duration leaseTime = Duration.ofSeconds(30);

    /** Lock mode of methods that name none. */
    private LockMode mode = LockMode.EXCLUSIVE;

    /**
     * Most callers that may wait for one key in this JVM; one more is refused at once instead of waiting.
     * At a typical hold of 100 ms, 50 callers are as many as the default wait timeout of 5 s can serve:
     * more would wait the whole timeout, holding a thread, only to fail.
     */
    private int maxWaiters = 50;

    /**
     * Most callers that may wait for all keys of one lock name together in this JVM; one more is refused
     * at once. Twice max-waiters: two hot keys of one lock may fill their queues, not the whole
     * application's.
     */
    private int maxLockWaiters = 100;

    /**
     * Most callers that may wait for any lock in this JVM together; one more is refused at once. Below
     * the 200 request threads of Tomcat's default pool, so that at least 50 are left for requests that do
     * not wait for a lock.
     */
    private int maxWaiting = 150;

    /**
     * Whether a caller is refused at once when the callers ahead of it, at the key's recent hold time,
     * would outlast its wait timeout. Off unless set: the recent hold time is an estimate over the last
     * few holds, and one slow hold would turn away callers that would have been served.
     */
    private boolean refuseExpectedWait = false;

    /**
     * Most keys one call may lock, counted as its key expressions give them (each element of a collection
     * or array is a key); a call with more is refused before any key is taken (400 over HTTP). Bounds what a
     * client that sends a list of ids can make one call lock. Applies to the auto-configured executor; an
     * application's own {@code LockExecutor} bean is given its bound when it is created.
     */
    private int maxKeysPerCall = LockExecutor.DEFAULT_MAX_KEYS_PER_CALL;

    /**
     * Where locks are kept: in memory unless named here, whatever is on the class path (a Redis or a
     * DataSource used for other things chooses nothing). Start-up fails when the named provider cannot be
     * used. Ignored when the application defines its own LockProvider bean.
     */
    private Provider provider = Provider.IN_MEMORY;

    /**
     * Order of the locking interceptor among the proxy's advisors; it must run before (be lower than)
     * the transaction interceptor so that the lock is taken before a transaction begins and released
     * after it ends.
     */
    private int order = Ordered.LOWEST_PRECEDENCE - 10;

    /** HTTP answers to lock failures. */
    private final Http http = new Http();

    /** Metrics and traces of lock acquisition and holding. */
    private final Observation observation = new Observation();

    /** Named configurations, selected with @SerializedBy(instance = ...) or by lock name. */
    private final Map<String, Instance> instances = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public LockPolicy getPolicy() {
        return policy;
    }

    public void setPolicy(LockPolicy policy) {
        this.policy = policy;
    }

    public Duration getWaitTimeout() {
        return waitTimeout;
    }

    public void setWaitTimeout(Duration waitTimeout) {
        this.waitTimeout = waitTimeout;
    }

    public Duration getLeaseTime() {
        return leaseTime;
    }

    public void setLeaseTime(Duration leaseTime) {
        this.leaseTime = leaseTime;
    }

    public LockMode getMode() {
        return mode;
    }

    public void setMode(LockMode mode) {
        this.mode = mode;
    }

    public int getMaxWaiters() {
        return maxWaiters;
    }

    public void setMaxWaiters(int maxWaiters) {
        this.maxWaiters = maxWaiters;
    }

    public int getMaxLockWaiters() {
        return maxLockWaiters;
    }

    public void setMaxLockWaiters(int maxLockWaiters) {
        this.maxLockWaiters = maxLockWaiters;
    }

    public int getMaxWaiting() {
        return maxWaiting;
    }

    public void setMaxWaiting(int maxWaiting) {
        this.maxWaiting = maxWaiting;
    }

    public boolean isRefuseExpectedWait() {
        return refuseExpectedWait;
    }

    public void setRefuseExpectedWait(boolean refuseExpectedWait) {
        this.refuseExpectedWait = refuseExpectedWait;
    }

    public int getMaxKeysPerCall() {
        return maxKeysPerCall;
    }

    public void setMaxKeysPerCall(int maxKeysPerCall) {
        this.maxKeysPerCall = maxKeysPerCall;
    }

    public Provider getProvider() {
        return provider;
    }

    public void setProvider(Provider provider) {
        this.provider = provider;
    }

    public int getOrder() {
        return order;
    }

    public void setOrder(int order) {
        this.order = order;
    }

    public Http getHttp() {
        return http;
    }

    public Observation getObservation() {
        return observation;
    }

    public Map<String, Instance> getInstances() {
        return instances;
    }

    @Override
    public boolean supports(Class<?> type) {
        return type == SerializedByProperties.class;
    }

    @Override
    public void validate(Object target, Errors errors) {
        SerializedByProperties properties = (SerializedByProperties) target;
        notNegative(errors, "wait-timeout", properties.waitTimeout);
        if (properties.leaseTime.isNegative() || properties.leaseTime.isZero()) {
            errors.rejectValue("lease-time", "positive", "must be positive");
        }
        notNegative(errors, "max-waiters", properties.maxWaiters);
        notNegative(errors, "max-lock-waiters", properties.maxLockWaiters);
        notNegative(errors, "max-waiting", properties.maxWaiting);
        if (properties.maxKeysPerCall < 1) {
            errors.rejectValue("max-keys-per-call", "atLeastOne", "must be at least 1");
        }
        int status = properties.http.contentionStatus;
        if (status < 400 || status > 599) {
            errors.rejectValue(
                    "http.contention-status",
                    "errorStatus",
                    "must be a 4xx or 5xx status: the refused call did not run");
        }
        properties.instances.forEach((name, instance) -> {
            // Brackets, as Spring Boot names a map entry in its own reports: a name may contain a dot.
            String path = "instances[" + name + "].";
            notNegative(errors, path + "wait-timeout", instance.waitTimeout);
            notNegative(errors, path + "max-waiters", instance.maxWaiters);
            notNegative(errors, path + "max-lock-waiters", instance.maxLockWaiters);
        });
    }

    private static void notNegative(Errors errors, String field, @Nullable Duration value) {
        if (value != null && value.isNegative()) {
            errors.rejectValue(field, "negative", "must not be negative");
        }
    }

    private static void notNegative(Errors errors, String field, @Nullable Integer value) {
        if (value != null && value < 0) {
            errors.rejectValue(field, "negative", "must not be negative");
        }
    }

    /** Where locks are kept. */
    public enum Provider {

        /** In this JVM only: right for a single instance of the application. */
        IN_MEMORY,

        /**
         * In Redis, shared by every instance connected to it; needs lock-redis and a RedisConnectionFactory
         * (Lettuce).
         */
        REDIS,

        /**
         * In the application's database, shared by every instance: needs lock-jdbc and a DataSource; see
         * serialized-by.jdbc.mode.
         */
        JDBC
    }

    /** HTTP answers to lock failures. */
    public static class Http {

        /** Whether lock failures are answered as problem details (409, 400, 503). */
        private boolean problemDetails = true;

        /** Status code of the answer when the key is held (fail-fast, or the wait timed out). */
        private int contentionStatus = 409;

        /** Retry-After of the answer when the key is held, rounded up to whole seconds. */
        private Duration retryAfter = Duration.ofSeconds(1);

        public boolean isProblemDetails() {
            return problemDetails;
        }

        public void setProblemDetails(boolean problemDetails) {
            this.problemDetails = problemDetails;
        }

        public int getContentionStatus() {
            return contentionStatus;
        }

        public void setContentionStatus(int contentionStatus) {
            this.contentionStatus = contentionStatus;
        }

        public Duration getRetryAfter() {
            return retryAfter;
        }

        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }
    }

    /** Metrics and traces of lock acquisition and holding. */
    public static class Observation {

        /** Whether lock acquisitions and holds are observed (timers, long-task timers, spans). */
        private boolean enabled = true;

        /**
         * Whether spans carry the lock key as a high-cardinality attribute. Keys may be personal data; they
         * never become metric tags.
         */
        private boolean includeKey = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isIncludeKey() {
            return includeKey;
        }

        public void setIncludeKey(boolean includeKey) {
            this.includeKey = includeKey;
        }
    }

    /**
     * Overrides for one named configuration, as bound from {@code serialized-by.instances.<name>}; what is
     * left unset (null) inherits the defaults above. This is the configuration as written; the starter
     * merges it with the defaults and the annotation into a method's complete {@code LockSettings}. The
     * lease time is not among them: serialized-by.lease-time applies to every lock of the provider.
     */
    public static class Instance {

        /** Policy of this instance's methods. */
        private @Nullable LockPolicy policy;

        /** Longest wait of this instance's methods under the WAIT policy. */
        private @Nullable Duration waitTimeout;

        /** Lock mode of this instance's methods. */
        private @Nullable LockMode mode;

        /** Most callers that may wait for one key of this instance's locks in this JVM. */
        private @Nullable Integer maxWaiters;

        /** Most callers that may wait for all keys of this instance's lock names together in this JVM. */
        private @Nullable Integer maxLockWaiters;

        /** Whether this instance's callers are refused at once when their expected wait exceeds their timeout. */
        private @Nullable Boolean refuseExpectedWait;

        public @Nullable LockPolicy getPolicy() {
            return policy;
        }

        public void setPolicy(@Nullable LockPolicy policy) {
            this.policy = policy;
        }

        public @Nullable Duration getWaitTimeout() {
            return waitTimeout;
        }

        public void setWaitTimeout(@Nullable Duration waitTimeout) {
            this.waitTimeout = waitTimeout;
        }

        public @Nullable LockMode getMode() {
            return mode;
        }

        public void setMode(@Nullable LockMode mode) {
            this.mode = mode;
        }

        public @Nullable Integer getMaxWaiters() {
            return maxWaiters;
        }

        public void setMaxWaiters(@Nullable Integer maxWaiters) {
            this.maxWaiters = maxWaiters;
        }

        public @Nullable Integer getMaxLockWaiters() {
            return maxLockWaiters;
        }

        public void setMaxLockWaiters(@Nullable Integer maxLockWaiters) {
            this.maxLockWaiters = maxLockWaiters;
        }

        public @Nullable Boolean getRefuseExpectedWait() {
            return refuseExpectedWait;
        }

        public void setRefuseExpectedWait(@Nullable Boolean refuseExpectedWait) {
            this.refuseExpectedWait = refuseExpectedWait;
        }
    }
}
