package io.github.serializedby.spring.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's documentation as the tests read it: README.md and every page of docs/. */
final class DocumentationPages {

    private DocumentationPages() {}

    /** One Markdown file: where it is and its lines. */
    record Page(Path path, List<String> lines) {

        /** The path from the repository root, for messages. */
        String name() {
            return root().relativize(path).toString();
        }

        /** A place in this page, for messages: {@code docs/x.md:12}. */
        String at(int lineIndex) {
            return name() + ":" + (lineIndex + 1);
        }
    }

    /** The repository root: the nearest directory up from the module's that holds README.md and docs/. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "No README.md with a docs/ directory above " + Path.of("").toAbsolutePath());
    }

    /** README.md, then the pages of docs/ in name order. */
    static List<Page> all() {
        Path root = root();
        List<Path> paths = new ArrayList<>();
        paths.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths.stream().map(DocumentationPages::read).toList();
    }

    static Page read(Path path) {
        try {
            return new Page(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
