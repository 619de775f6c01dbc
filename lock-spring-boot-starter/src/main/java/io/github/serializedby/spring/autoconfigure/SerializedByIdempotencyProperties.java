package io.github.serializedby.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of idempotency keys on {@code @Idempotent} handler methods, under {@code
 * serialized-by.idempotency}: a product of its own beside the locks, with its own properties. As a {@link
 * Validator} of itself, it is checked once bound: a value that would keep nothing to replay or turn every
 * request away fails start-up with Spring Boot's report naming the property.
 */
@ConfigurationProperties("serialized-by.idempotency")
public class SerializedByIdempotencyProperties implements Validator {

    /** Whether @Idempotent handler methods honour idempotency keys. */
    private boolean enabled = true;

    /** Request header carrying the idempotency key. */
    private String headerName = "Idempotency-Key";

    /** How long a response is kept to answer retries, unless the annotation says otherwise. */
    private Duration ttl = Duration.ofHours(24);

    /** Retry-After of the 409 answer while the first request with a key is still running. */
    private Duration retryAfter = Duration.ofSeconds(1);

    /** Response header, set to true, that marks a replayed response. */
    private String replayHeader = "Idempotent-Replayed";

    /** Response headers kept and replayed with the status and body. */
    private List<String> storedHeaders =
            new ArrayList<>(List.of("Content-Type", "Content-Language", "Location", "ETag", "Cache-Control"));

    /**
     * Whether keys are per caller: an authenticated caller (the request's principal) never gets another
     * caller's stored response, and unauthenticated callers share one scope of their own. Turn off only
     * when the application scopes keys itself.
     */
    private boolean scopeByPrincipal = true;

    /** How many responses the in-memory store keeps at most; the oldest go first. */
    private int maxEntries = 10_000;

    /** How many bytes of responses the in-memory store keeps at most; the oldest go first. */
    private DataSize maxStoredSize = DataSize.ofMegabytes(64);

    /**
     * Largest request body buffered to fingerprint a request to an @Idempotent method (larger: 413),
     * and largest response body stored (larger: sent, not stored, marked "Idempotent-Stored: false").
     */
    private DataSize maxBodySize = DataSize.ofKilobytes(256);

    /**
     * Where responses are kept: in memory (one instance), or in Redis or the database, shared by several
     * instances. Ignored when the application defines its own IdempotencyStore bean.
     */
    private Store store = Store.IN_MEMORY;

    /** Prefix of the Redis keys of stored responses. */
    private String redisPrefix = "serialized-by:";

    /** Whether the database store creates its table (serialized_by_idempotency) when missing. */
    private boolean createTable = false;

    public Store getStore() {
        return store;
    }

    public void setStore(Store store) {
        this.store = store;
    }

    public String getRedisPrefix() {
        return redisPrefix;
    }

    public void setRedisPrefix(String redisPrefix) {
        this.redisPrefix = redisPrefix;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    @Override
    public boolean supports(Class<?> type) {
        return type == SerializedByIdempotencyProperties.class;
    }

    @Override
    public void validate(Object target, Errors errors) {
        SerializedByIdempotencyProperties properties = (SerializedByIdempotencyProperties) target;
        if (properties.headerName.isBlank()) {
            errors.rejectValue("header-name", "blank", "must not be blank");
        }
        if (properties.replayHeader.isBlank()) {
            errors.rejectValue("replay-header", "blank", "must not be blank");
        }
        if (properties.ttl.isNegative() || properties.ttl.isZero()) {
            errors.rejectValue("ttl", "positive", "must be positive");
        }
        if (properties.store == Store.IN_MEMORY) {
            // The bounds of the in-memory store only: the shared stores expire responses by their TTL.
            if (properties.maxEntries <= 0) {
                errors.rejectValue("max-entries", "positive", "must be positive");
            }
            if (properties.maxStoredSize.toBytes() <= 0) {
                errors.rejectValue("max-stored-size", "positive", "must be positive");
            }
        }
        if (properties.maxBodySize.isNegative()) {
            errors.rejectValue("max-body-size", "negative", "must not be negative");
        }
    }

    /** Where stored responses are kept. */
    public enum Store {

        /** In this JVM, bounded by max-entries. */
        IN_MEMORY,

        /** In Redis, through the application's RedisConnectionFactory; needs lock-redis. */
        REDIS,

        /** In the application's DataSource; needs lock-jdbc. */
        JDBC
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getHeaderName() {
        return headerName;
    }

    public void setHeaderName(String headerName) {
        this.headerName = headerName;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getRetryAfter() {
        return retryAfter;
    }

    public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    public String getReplayHeader() {
        return replayHeader;
    }

    public void setReplayHeader(String replayHeader) {
        this.replayHeader = replayHeader;
    }

    public List<String> getStoredHeaders() {
        return storedHeaders;
    }

    public void setStoredHeaders(List<String> storedHeaders) {
        this.storedHeaders = storedHeaders;
    }

    public boolean isScopeByPrincipal() {
        return scopeByPrincipal;
    }

    public void setScopeByPrincipal(boolean scopeByPrincipal) {
        this.scopeByPrincipal = scopeByPrincipal;
    }

    public int getMaxEntries() {
        return maxEntries;
    }

    public void setMaxEntries(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    public DataSize getMaxStoredSize() {
        return maxStoredSize;
    }

    public void setMaxStoredSize(DataSize maxStoredSize) {
        this.maxStoredSize = maxStoredSize;
    }

    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }
}
