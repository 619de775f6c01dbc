package io.github.serializedby.spring.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.docs.DocumentationPages.Page;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration tables of README.md and docs/ against the starter's configuration metadata, as the
 * build generates it (the annotation processor merges additional-spring-configuration-metadata.json into
 * it): every property is listed, every listed property exists, and every default shown is the metadata's.
 *
 * <p>A configuration table is one whose header is {@code | property | default | description |}. Its
 * first cell names one property in backticks ({@code serialized-by.instances.<name>.policy} stands for
 * the property {@code policy} of the map {@code serialized-by.instances}'s values, which the metadata
 * does not list: it is read from the values' class); its default cell starts with the default in
 * backticks, or is words (such as "inherited") for a property that has no default.
 */
class ConfigurationTableTests {

    private static final String HEADER = "| property | default | description |";
    private static final Pattern CODE_AT_START = Pattern.compile("^`([^`]*)`");
    private static final Pattern PROPERTY_CELL = Pattern.compile("^`([a-z0-9.<>-]+)`$");
    private static final Pattern MAP_VALUE_TYPE = Pattern.compile("^java\\.util\\.Map<[^,]+,(.+)>$");
    private static final Pattern MAP_ENTRY_PROPERTY = Pattern.compile("^(.+)\\.<[a-z-]+>\\.([a-z0-9-]+)$");

    private static final Map<String, JsonNode> METADATA = new LinkedHashMap<>();

    /** A row of a configuration table. */
    record Row(String where, String property, String defaultCell) {}

    @BeforeAll
    static void readMetadata() throws Exception {
        Path metadata = classesDirectory().resolve("META-INF/spring-configuration-metadata.json");
        assertThat(metadata).as("the generated configuration metadata").isRegularFile();
        try (InputStream in = Files.newInputStream(metadata)) {
            for (JsonNode property : JsonMapper.shared().readTree(in).get("properties")) {
                METADATA.put(property.get("name").asString(), property);
            }
        }
    }

    @Test
    void theDocumentationHasConfigurationTables() {
        assertThat(rows()).as("rows of configuration tables").hasSizeGreaterThan(30);
        assertThat(rows()).anySatisfy(row -> assertThat(row.where()).startsWith("README.md"));
    }

    @Test
    void everyPropertyOfTheMetadataIsListed() {
        Set<String> listed = new TreeSet<>();
        rows().forEach(row -> listed.add(metadataName(row.property())));
        assertThat(new TreeSet<>(METADATA.keySet()))
                .as("properties in the configuration metadata but in no configuration table")
                .isSubsetOf(listed);
        Set<String> listedEntries = new TreeSet<>();
        rows().forEach(row -> {
            Matcher entry = MAP_ENTRY_PROPERTY.matcher(row.property());
            if (entry.matches()) {
                listedEntries.add(entry.group(1) + ".*." + entry.group(2));
            }
        });
        Set<String> entries = new TreeSet<>();
        METADATA.forEach((name, property) ->
                mapValueProperties(property).forEach(valueProperty -> entries.add(name + ".*." + valueProperty)));
        assertThat(entries)
                .as("properties of a map's values (map.*.property) in no configuration table")
                .isSubsetOf(listedEntries);
    }

    @Test
    void everyListedPropertyExists() {
        List<String> unknown = new ArrayList<>();
        for (Row row : rows()) {
            JsonNode property = METADATA.get(metadataName(row.property()));
            boolean map = row.property().contains("<");
            if (property == null || map && !property.get("type").asString().startsWith("java.util.Map")) {
                unknown.add(row.where() + " " + row.property());
                continue;
            }
            Matcher entry = MAP_ENTRY_PROPERTY.matcher(row.property());
            if (entry.matches() && !mapValueProperties(property).contains(entry.group(2))) {
                unknown.add(row.where() + " " + row.property());
            }
        }
        assertThat(unknown)
                .as("listed properties that the metadata does not have")
                .isEmpty();
    }

    @Test
    void everyListedDefaultIsTheMetadatasDefault() {
        List<String> wrong = new ArrayList<>();
        for (Row row : rows()) {
            JsonNode property = METADATA.get(metadataName(row.property()));
            if (property == null) {
                continue; // everyListedPropertyExists says so
            }
            String expected = property.has("defaultValue") ? text(property.get("defaultValue")) : null;
            String shown = shownDefault(row.defaultCell());
            if (expected == null ? shown != null : !expected.equals(shown)) {
                wrong.add(row.where() + " " + row.property() + ": shown " + describe(shown) + ", metadata "
                        + describe(expected));
            }
        }
        assertThat(wrong)
                .as("defaults that differ from the configuration metadata")
                .isEmpty();
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Page page : DocumentationPages.all()) {
            List<String> lines = page.lines();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals(HEADER)) {
                    continue;
                }
                for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                    rows.add(row(page, j));
                }
            }
        }
        return rows;
    }

    private static Row row(Page page, int index) {
        String line = page.lines().get(index).strip();
        String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
        assertThat(cells).as("cells of %s", page.at(index)).hasSizeGreaterThanOrEqualTo(3);
        Matcher property = PROPERTY_CELL.matcher(cells[0].strip());
        assertThat(property.matches())
                .as("%s names one property in backticks: %s", page.at(index), cells[0])
                .isTrue();
        return new Row(page.at(index), property.group(1), cells[1].strip());
    }

    /** {@code serialized-by.instances.<name>.policy} is the map {@code serialized-by.instances}. */
    private static String metadataName(String property) {
        int placeholder = property.indexOf(".<");
        return placeholder < 0 ? property : property.substring(0, placeholder);
    }

    /**
     * The properties of a map's values when they are objects, such as {@code policy} of {@code
     * serialized-by.instances}; none for other properties.
     */
    private static Set<String> mapValueProperties(JsonNode property) {
        Matcher map = MAP_VALUE_TYPE.matcher(property.get("type").asString());
        Set<String> properties = new TreeSet<>();
        if (!map.matches() || map.group(1).startsWith("java.")) {
            return properties;
        }
        Class<?> type = ClassUtils.resolveClassName(map.group(1), ConfigurationTableTests.class.getClassLoader());
        for (var descriptor : BeanUtils.getPropertyDescriptors(type)) {
            if (descriptor.getWriteMethod() != null) {
                properties.add(DataObjectPropertyName.toDashedForm(descriptor.getName()));
            }
        }
        return properties;
    }

    private static @Nullable String shownDefault(String cell) {
        Matcher code = CODE_AT_START.matcher(cell);
        return code.find() ? code.group(1) : null;
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> elements = new ArrayList<>();
            value.forEach(element -> elements.add(element.asString()));
            return String.join(", ", elements);
        }
        return value.asString();
    }

    private static String describe(@Nullable String value) {
        return value == null ? "no default" : "`" + value + "`";
    }

    private static Path classesDirectory() throws URISyntaxException {
        return Path.of(SerializedBy.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }
}
