package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.redis.RedisLockOptions;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The configuration metadata IDEs show: every property described, every default the code has given. */
class ConfigurationMetadataTests {

    /** Properties that have no default value: unset means "not given" or "derived from another property". */
    private static final Set<String> WITHOUT_DEFAULT = Set.of(
            "management.endpoint.locks.roles",
            "serialized-by.instances",
            "serialized-by.jdbc.fence.columns",
            "serialized-by.jdbc.url",
            "serialized-by.jdbc.username",
            "serialized-by.jdbc.password",
            "serialized-by.redis.renew-every");

    private static final Map<String, JsonNode> PROPERTIES = new LinkedHashMap<>();

    @BeforeAll
    static void readMetadata() throws Exception {
        try (InputStream metadata =
                ConfigurationMetadataTests.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("the generated metadata").isNotNull();
            for (JsonNode property : JsonMapper.shared().readTree(metadata).get("properties")) {
                PROPERTIES.put(property.get("name").asString(), property);
            }
        }
    }

    @Test
    void everyPropertyIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        PROPERTIES.forEach((name, property) -> {
            if (!property.has("description")
                    || property.get("description").asString().isBlank()) {
                undescribed.add(name);
            }
        });
        assertThat(undescribed).isEmpty();
    }

    @Test
    void everyPropertyWithADefaultShowsIt() {
        List<String> withoutDefault = new ArrayList<>();
        PROPERTIES.forEach((name, property) -> {
            if (!property.has("defaultValue") && !WITHOUT_DEFAULT.contains(name)) {
                withoutDefault.add(name);
            }
        });
        assertThat(withoutDefault).isEmpty();
    }

    @Test
    void defaultsThatTheProcessorCannotReadMatchTheCode() {
        SerializedByProperties properties = new SerializedByProperties();

        assertThat(PROPERTIES
                        .get("serialized-by.redis.prefix")
                        .get("defaultValue")
                        .asString())
                .isEqualTo(RedisLockOptions.DEFAULT_PREFIX)
                .isEqualTo(new SerializedByRedisProperties().getPrefix());
        assertThat(PROPERTIES.get("serialized-by.order").get("defaultValue").asInt())
                .isEqualTo(properties.getOrder());
        assertThat(PROPERTIES
                        .get("serialized-by.max-keys-per-call")
                        .get("defaultValue")
                        .asInt())
                .isEqualTo(LockExecutor.DEFAULT_MAX_KEYS_PER_CALL)
                .isEqualTo(properties.getMaxKeysPerCall());
        List<String> storedHeaders = new ArrayList<>();
        PROPERTIES
                .get("serialized-by.idempotency.stored-headers")
                .get("defaultValue")
                .forEach(header -> storedHeaders.add(header.asString()));
        assertThat(storedHeaders).isEqualTo(new SerializedByIdempotencyProperties().getStoredHeaders());
    }
}
