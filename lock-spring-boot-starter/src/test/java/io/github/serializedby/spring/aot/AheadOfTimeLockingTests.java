package io.github.serializedby.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.test.AheadOfTimeClasses;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * native image needs for them are there.
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
        AheadOfTimeClasses.define(generated.resolve("source"), generated.resolve("class"), getClass());
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
