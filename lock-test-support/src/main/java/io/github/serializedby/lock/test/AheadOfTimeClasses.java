package io.github.serializedby.lock.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * Makes the code Spring AOT generated for an application loadable in the running JVM, so that a test can
 * start the application from that code alone, as a native image would: the generated sources are
 * compiled against the test class path, and every class, compiled or generated as bytecode (proxies), is
 * defined in the package of the class it was generated for, where it may reach package-private members.
 * Classes the processing defined already (the proxies it made) are left as they are.
 */
public final class AheadOfTimeClasses {

    private AheadOfTimeClasses() {}

    /**
     * Compiles the {@code .java} files below {@code sources} into {@code classes}, then defines every class
     * file below {@code classes} with the class loader of {@code loaderOf}.
     *
     * @throws IllegalStateException when the sources do not compile or a class has no class to stand beside
     */
    public static void define(Path sources, Path classes, Class<?> loaderOf) {
        try {
            Files.createDirectories(classes);
            compile(sources, classes, classPath(loaderOf.getClassLoader()));
            defineAll(classes, loaderOf.getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JVM's class path and the entries of every {@link URLClassLoader} from {@code loader} up, as a
     * test launcher that loads the tests in a class loader of its own (JUnit's console launcher) needs.
     */
    private static String classPath(@Nullable ClassLoader loader) {
        List<String> entries =
                new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader current = loader; current != null; current = current.getParent()) {
            if (current instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        entries.add(fileOf(url));
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String fileOf(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("not a class path entry: " + url, e);
        }
    }

    private static void compile(Path sources, Path classes, String classPath) throws IOException {
        List<String> arguments =
                new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath, "-proc:none"));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(path -> path.toString().endsWith(".java")).forEach(path -> arguments.add(path.toString()));
        }
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException(
                    "the sources generated ahead of time do not compile (javac " + status + ")");
        }
    }

    private static void defineAll(Path classes, ClassLoader loader) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(path -> path.toString().endsWith(".class"))
                    .sorted()
                    .toList();
        }
        List<String> names = files.stream()
                .map(file ->
                        classes.relativize(file).toString().replace('/', '.').replace(".class", ""))
                .toList();
        Map<String, Class<?>> besidePackage = new HashMap<>();
        for (String name : names) {
            Class<?> beside = generatedFor(name, loader);
            if (beside != null) {
                besidePackage.put(beside.getPackageName(), beside);
            }
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (loaded(name, loader) != null) {
                continue;
            }
            Class<?> beside = besidePackage.get(name.substring(0, Math.max(0, name.lastIndexOf('.'))));
            if (beside == null) {
                throw new IllegalStateException("no class of the application stands in the package of " + name);
            }
            try {
                MethodHandles.privateLookupIn(beside, MethodHandles.lookup())
                        .defineClass(Files.readAllBytes(files.get(i)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot define " + name + " beside " + beside.getName(), e);
            }
        }
    }

    /**
     * The class a generated class was made for, when its name tells: the name up to the generator's
     * {@code __} or {@code $$}, a nested class's {@code _} read as {@code $}.
     */
    private static @Nullable Class<?> generatedFor(String generatedName, ClassLoader loader) {
        int end = generatedName.length();
        for (String marker : List.of("__", "$$")) {
            int at = generatedName.indexOf(marker);
            if (at > 0) {
                end = Math.min(end, at);
            }
        }
        String base = generatedName.substring(0, end);
        int simple = base.lastIndexOf('.') + 1;
        Class<?> exact = loaded(base, loader);
        return exact != null
                ? exact
                : loaded(base.substring(0, simple) + base.substring(simple).replace('_', '$'), loader);
    }

    private static @Nullable Class<?> loaded(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
