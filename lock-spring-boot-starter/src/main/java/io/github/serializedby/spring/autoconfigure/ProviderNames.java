package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import java.util.Locale;

/**
 * The one place that names providers, for the {@code lock.provider} tag, the {@code locks} endpoint, the
 * health indicator and the start-up log: {@code InMemoryLockProvider} is {@code in-memory}, {@code
 * RedisLockProvider} {@code redis}, {@code JdbcLeaseTableLockProvider} {@code jdbc-lease-table}, {@code
 * PostgresAdvisoryLockProvider} {@code postgres-advisory}.
 */
final class ProviderNames {

    /** The name of the in-memory provider. */
    static final String IN_MEMORY = "in-memory";

    private ProviderNames() {}

    /** The name of {@code provider}, which must be the provider bean itself, not a decorator around it. */
    static String of(LockProvider provider) {
        String simple = provider.getClass().getSimpleName().replace("LockProvider", "");
        if (simple.isEmpty()) {
            return "custom";
        }
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
