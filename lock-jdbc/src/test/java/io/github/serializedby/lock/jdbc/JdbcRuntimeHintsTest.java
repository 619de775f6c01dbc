package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Every schema file lock-jdbc runs is in the hints that AOT processing finds. */
class JdbcRuntimeHintsTest {

    @Test
    void everySchemaFileIsHintedForNativeImages() throws IOException {
        RuntimeHints hints = new RuntimeHints();
        AotServices.factories().load(RuntimeHintsRegistrar.class).stream()
                .filter(JdbcRuntimeHints.class::isInstance)
                .forEach(registrar -> registrar.registerHints(hints, getClass().getClassLoader()));

        Resource[] schemas = new PathMatchingResourcePatternResolver()
                .getResources("classpath*:" + DataSources.SCHEMA_LOCATION + "*.sql");
        assertThat(schemas).as("the providers' and the fence's schema files").hasSizeGreaterThanOrEqualTo(7);
        for (Resource schema : schemas) {
            assertThat(RuntimeHintsPredicates.resource()
                            .forResource(DataSources.SCHEMA_LOCATION + schema.getFilename()))
                    .accepts(hints);
        }
    }
}
