package io.github.serializedby.spring.slice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each test slice takes every auto-configuration of the starter except those it leaves out on purpose,
 * so that one added to the starter is not silently missing from the slices: it must be listed in the
 * slice's {@code .imports} file or here.
 */
class SliceImportsTests {

    private static final String PREFIX = "io.github.serializedby.spring.autoconfigure.";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureWebMvc"
                        + "| SerializedByObservationAutoConfiguration SerializedByEndpointAutoConfiguration"
                        + " SerializedByRedisAutoConfiguration SerializedByJdbcAutoConfiguration"
                        + " SerializedByJdbcFenceAutoConfiguration SerializedByProviderCheckAutoConfiguration"
                        + " SerializedByWebFluxIdempotencyAutoConfiguration SerializedByWebFluxAutoConfiguration",
                "org.springframework.boot.webflux.test.autoconfigure.AutoConfigureWebFlux"
                        + "| SerializedByObservationAutoConfiguration SerializedByEndpointAutoConfiguration"
                        + " SerializedByRedisAutoConfiguration SerializedByJdbcAutoConfiguration SerializedByJdbcFenceAutoConfiguration"
                        + " SerializedByProviderCheckAutoConfiguration SerializedByIdempotencyAutoConfiguration"
                        + " SerializedByWebMvcAutoConfiguration",
                "io.github.serializedby.spring.test.AutoConfigureSerializedBy"
                        + "| SerializedByObservationAutoConfiguration SerializedByEndpointAutoConfiguration"
            })
    void aSliceTakesEveryAutoConfigurationItDoesNotLeaveOut(String slice, String leftOut) throws IOException {
        Set<String> all = read("org.springframework.boot.autoconfigure.AutoConfiguration");
        Set<String> taken = read(slice);
        Set<String> expected = new TreeSet<>(all);
        for (String name : leftOut.trim().split("\\s+")) {
            assertThat(all).as("left out of %s", slice).contains(PREFIX + name);
            expected.remove(PREFIX + name);
        }

        assertThat(taken).as(slice).isEqualTo(expected);
    }

    /** The starter's entries of the {@code .imports} files for {@code annotation}, from every jar. */
    private static Set<String> read(String annotation) throws IOException {
        String resource = "META-INF/spring/" + annotation + ".imports";
        Set<String> names = new TreeSet<>();
        for (URL url : Collections.list(SliceImportsTests.class.getClassLoader().getResources(resource))) {
            try (InputStream in = url.openStream()) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .map(String::trim)
                        .filter(line -> line.startsWith(PREFIX))
                        .forEach(names::add);
            }
        }
        assertThat(names).as(resource).isNotEmpty();
        return names;
    }
}
