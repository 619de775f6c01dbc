package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import java.util.Locale;

/** Short provider names for tags and endpoints: {@code InMemoryLockProvider} becomes {@code in-memory}. */
final class ProviderNames {

    private ProviderNames() {}

    static String of(LockProvider provider) {
        String simple = provider.getClass().getSimpleName().replace("LockProvider", "");
        if (simple.isEmpty()) {
            return "custom";
        }
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
