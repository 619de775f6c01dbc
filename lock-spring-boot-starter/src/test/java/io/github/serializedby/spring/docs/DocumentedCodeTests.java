package io.github.serializedby.spring.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.docs.DocumentationPages.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code in README.md and docs/ stays true. A Java block after the line {@code <!-- complete example
 * -->} is a whole compilation unit (imports included) and is compiled here against the test class path;
 * a block after {@code <!-- source: path -->} is a copy of that file of the repository and must equal it;
 * relative links lead to files that exist, and to headings that exist in Markdown files.
 */
class DocumentedCodeTests {

    static final String COMPLETE_EXAMPLE = "<!-- complete example -->";
    private static final Pattern SOURCE = Pattern.compile("^<!-- source: (\\S+) -->$");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    /** A fenced block: where it is, what marks it, and its text. */
    record Block(String where, int firstLine, String marker, String code) {}

    @TempDir
    Path work;

    @Test
    void theDocumentationHasCompleteExamples() {
        List<Block> examples = blocks(COMPLETE_EXAMPLE);
        assertThat(examples).as("complete examples").hasSizeGreaterThanOrEqualTo(4);
        assertThat(examples).anySatisfy(block -> assertThat(block.where()).startsWith("README.md"));
    }

    @TestFactory
    Stream<DynamicTest> everyCompleteExampleCompiles() {
        return blocks(COMPLETE_EXAMPLE).stream()
                .map(block -> DynamicTest.dynamicTest(block.where(), () -> assertCompiles(block)));
    }

    @TestFactory
    Stream<DynamicTest> everySourceCopyEqualsItsFile() {
        List<Block> copies = blocks("<!-- source:");
        assertThat(copies).as("copies of source files").isNotEmpty();
        return copies.stream()
                .map(block -> DynamicTest.dynamicTest(block.where(), () -> {
                    Matcher source = SOURCE.matcher(block.marker());
                    assertThat(source.matches())
                            .as("marker of %s", block.where())
                            .isTrue();
                    Path file = DocumentationPages.root().resolve(source.group(1));
                    assertThat(file).as("the file copied at %s", block.where()).isRegularFile();
                    assertThat(block.code())
                            .as("the copy at %s of %s (paste the file again)", block.where(), source.group(1))
                            .isEqualTo(Files.readString(file).stripTrailing());
                }));
    }

    @Test
    void everyRelativeLinkLeadsSomewhere() {
        List<String> broken = new ArrayList<>();
        for (Page page : DocumentationPages.all()) {
            for (int i = 0; i < page.lines().size(); i++) {
                Matcher link = LINK.matcher(page.lines().get(i));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue; // https:, mailto:
                    }
                    String problem = problem(page, target);
                    if (problem != null) {
                        broken.add(page.at(i) + " " + target + ": " + problem);
                    }
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    /** What is wrong with a link to {@code target} from {@code page}, or null when it leads somewhere. */
    private static @Nullable String problem(Page page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path path = file.isEmpty()
                ? page.path()
                : page.path().getParent().resolve(file).normalize();
        if (!Files.exists(path)) {
            return "no such file";
        }
        if (hash < 0 || !path.toString().endsWith(".md")) {
            return null;
        }
        String anchor = target.substring(hash + 1);
        boolean found = DocumentationPages.read(path).lines().stream()
                .filter(line -> line.startsWith("#"))
                .anyMatch(heading -> anchor(heading).equals(anchor));
        return found ? null : "no heading with anchor #" + anchor;
    }

    /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    private void assertCompiles(Block block) throws IOException {
        Matcher type = PUBLIC_TYPE.matcher(block.code());
        String fileName = (type.find() ? type.group(1) : "Example") + ".java";
        Path sources = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path source = Files.writeString(sources.resolve(fileName), block.code());

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK's compiler").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of(
                    "--release",
                    "17",
                    "-proc:none",
                    "-parameters",
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "-d",
                    classes.toString());
            compiled = compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source))
                    .call();
        }
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(diagnostic -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
                .map(diagnostic -> "line " + (block.firstLine() + diagnostic.getLineNumber()) + ": "
                        + diagnostic.getMessage(Locale.ROOT))
                .toList();
        assertThat(errors)
                .as("errors compiling the example at %s", block.where())
                .isEmpty();
        assertThat(compiled).as("the example at %s compiles", block.where()).isTrue();
    }

    /** The Java blocks whose marker line, just before the fence, starts with {@code markerStart}. */
    static List<Block> blocks(String markerStart) {
        List<Block> blocks = new ArrayList<>();
        for (Page page : DocumentationPages.all()) {
            List<String> lines = page.lines();
            for (int i = 0; i < lines.size(); i++) {
                String marker = lines.get(i).strip();
                if (!marker.startsWith(markerStart)) {
                    continue;
                }
                assertThat(i + 1 < lines.size() && lines.get(i + 1).strip().equals("```java"))
                        .as("a ```java fence right after the marker at %s", page.at(i))
                        .isTrue();
                int end = i + 2;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                assertThat(end).as("the end of the block at %s", page.at(i)).isLessThan(lines.size());
                blocks.add(new Block(page.at(i), i + 2, marker, String.join("\n", lines.subList(i + 2, end))));
            }
        }
        return blocks;
    }
}
