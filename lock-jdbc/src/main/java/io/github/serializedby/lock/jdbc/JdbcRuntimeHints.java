package io.github.serializedby.lock.jdbc;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image of an application using lock-jdbc needs: the schema files the providers, the fence and the
 * idempotency store run when asked to create their tables. Registered in {@code META-INF/spring/aot.factories}.
 */
public final class JdbcRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        hints.resources().registerPattern(DataSources.SCHEMA_LOCATION + "schema-*.sql");
    }
}
