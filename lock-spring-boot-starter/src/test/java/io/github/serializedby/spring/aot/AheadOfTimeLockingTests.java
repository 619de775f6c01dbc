package io.github.serializedby.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.FileSystemGeneratedFiles;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

/**
 * A context processed ahead of time, as Spring AOT does for a native image, then started on the JVM from
 * the generated code alone: its {@code @SerializedBy} methods are locked as without AOT, and the hints a
 * native image needs for them are there. The generated sources are compiled here and defined beside the
 * classes they stand for, as Spring's own AOT tests do; proxy classes the processing defined already are
 * used as they are.
 */
class AheadOfTimeLockingTests {

    @TempDir
    Path generated;

    @Test
    void aContextStartedFromAotGeneratedCodeLocksItsMethods() throws Exception {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(AotApplication.class);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get(AotApplication.class)),
                new FileSystemGeneratedFiles(
                        kind -> generated.resolve(kind.name().toLowerCase(Locale.ROOT))));
        ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        generation.writeGeneratedContent();

        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Counter.class, "increment"))
                .accepts(generation.getRuntimeHints());
        compileAndDefine();
        try (GenericApplicationContext started = new GenericApplicationContext()) {
            @SuppressWarnings("unchecked")
            ApplicationContextInitializer<GenericApplicationContext> aot =
                    (ApplicationContextInitializer<GenericApplicationContext>)
                            Class.forName(initializer.reflectionName())
                                    .getDeclaredConstructor()
                                    .newInstance();
            aot.initialize(started);
            started.refresh();
            Counter counter = started.getBean(Counter.class);

            hammer(counter, 8, 500);

            assertThat(counter.mostInsideAtOnce()).isEqualTo(1);
            assertThat(counter.count()).isEqualTo(4_000);
        }
    }

    /**
     * Compiles the generated sources against the test class path and defines every class, generated or
     * compiled, in the package of the class it was generated for.
     */
    private void compileAndDefine() throws IOException, IllegalAccessException {
        Path classes = generated.resolve("class");
        Files.createDirectories(classes);
        List<String> arguments = new ArrayList<>(
                List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"));
        try (Stream<Path> sources = Files.walk(generated.resolve("source"))) {
            sources.filter(path -> path.toString().endsWith(".java")).forEach(path -> arguments.add(path.toString()));
        }
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new));
        assertThat(status).as("generated sources compile").isZero();
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(classes)) {
            classFiles = files.filter(path -> path.toString().endsWith(".class"))
                    .sorted()
                    .toList();
        }
        Map<String, Class<?>> anchors = new HashMap<>();
        List<String> names = classFiles.stream()
                .map(file ->
                        classes.relativize(file).toString().replace('/', '.').replace(".class", ""))
                .toList();
        for (String name : names) {
            Class<?> anchor = anchor(name);
            if (anchor != null) {
                anchors.put(anchor.getPackageName(), anchor);
            }
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!isLoaded(name)) {
                Class<?> anchor = anchors.get(name.substring(0, name.lastIndexOf('.')));
                assertThat(anchor).as("a class beside %s", name).isNotNull();
                MethodHandles.privateLookupIn(anchor, MethodHandles.lookup())
                        .defineClass(Files.readAllBytes(classFiles.get(i)));
            }
        }
    }

    /** Whether the processing defined {@code name} already, as it does the proxy classes it generates. */
    private static boolean isLoaded(String name) {
        try {
            Class.forName(name, false, AheadOfTimeLockingTests.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * The class a generated class was made for, when it can be told from the name: the name up to the
     * generator's {@code __} or {@code $$}, a nested class's {@code _} read as {@code $}.
     */
    private static @Nullable Class<?> anchor(String generatedName) {
        int end = generatedName.length();
        for (String marker : List.of("__", "$$")) {
            int at = generatedName.indexOf(marker);
            if (at > 0) {
                end = Math.min(end, at);
            }
        }
        String base = generatedName.substring(0, end);
        int simple = base.lastIndexOf('.') + 1;
        for (String candidate :
                List.of(base, base.substring(0, simple) + base.substring(simple).replace('_', '$'))) {
            if (isLoaded(candidate)) {
                try {
                    return Class.forName(candidate, false, AheadOfTimeLockingTests.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }

    private static void hammer(Counter counter, int threads, int callsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < callsEach; i++) {
                        counter.increment("shared");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> thread : done) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Counts without synchronization of its own, so that only the lock keeps the count right; read through
     * methods, since the bean is a proxy.
     */
    public static class Counter {

        private final AtomicInteger inside = new AtomicInteger();
        private final AtomicInteger mostInsideAtOnce = new AtomicInteger();
        private int count;

        @SerializedBy("#key")
        public void increment(String key) {
            mostInsideAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
            int read = count;
            Thread.yield();
            count = read + 1;
            inside.decrementAndGet();
        }

        public int count() {
            return count;
        }

        public int mostInsideAtOnce() {
            return mostInsideAtOnce.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(SerializedByAutoConfiguration.class)
    public static class AotApplication {

        @Bean
        public Counter counter() {
            return new Counter();
        }
    }
}
