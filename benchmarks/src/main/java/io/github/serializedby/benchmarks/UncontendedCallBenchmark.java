package io.github.serializedby.benchmarks;

import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.integration.support.locks.DefaultLockRegistry;

/**
 * One thread calling a method with a key, uncontended: the plain call, the same call through
 * {@code @SerializedBy("#paymentId")}, the same with the actuator's Micrometer observation on, the floor (a Spring AOP proxy with a hand-written per-key
 * {@code ConcurrentHashMap<String, ReentrantLock>} lock), a proxy evaluating a cached SpEL expression per
 * call before locking (how annotation-driven peers do it), and Spring Integration's {@code
 * DefaultLockRegistry.executeLocked}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UncontendedCallBenchmark {

    private ConfigurableApplicationContext context;
    private Payments plain;
    private Payments annotated;
    private ConfigurableApplicationContext observedContext;
    private Payments observed;
    private Payments proxyWithMapLock;
    private Payments proxyWithSpelAndMapLock;
    private DefaultLockRegistry lockRegistry;
    private final Keys keys = new Keys(1024);

    @Setup
    public void start() throws Exception {
        context = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run("--logging.level.root=warn", "--spring.main.banner-mode=off");
        annotated = context.getBean(Payments.class);
        observedContext = new SpringApplicationBuilder(ObservedApplication.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run("--logging.level.root=warn", "--spring.main.banner-mode=off");
        observed = observedContext.getBean(Payments.class);
        plain = new Payments();
        ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
        proxyWithMapLock =
                proxy(invocation -> lockAndProceed(locks, (String) invocation.getArguments()[0], invocation));
        Expression expression = new SpelExpressionParser().parseExpression("#paymentId");
        ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
        Method method = Payments.class.getMethod("conduct", String.class);
        proxyWithSpelAndMapLock = proxy(invocation -> {
            String key = String.valueOf(expression.getValue(
                    new MethodBasedEvaluationContext(invocation.getThis(), method, invocation.getArguments(), names)));
            ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
            lock.lock();
            try {
                return invocation.proceed();
            } finally {
                lock.unlock();
            }
        });
        lockRegistry = new DefaultLockRegistry();
    }

    @TearDown
    public void stop() {
        context.close();
        observedContext.close();
    }

    @Benchmark
    public String plainCall() {
        return plain.conduct(keys.next());
    }

    @Benchmark
    public String serializedBy() {
        return annotated.conductSerialized(keys.next());
    }

    @Benchmark
    public String serializedByObserved() {
        return observed.conductSerialized(keys.next());
    }

    /**
     * One read of the monotonic clock, for reading the observed row: the observed call reads a clock five
     * times (the acquisition's start, the grant, the release, and each of the two timers' windows for the
     * maximum), the unobserved call never.
     */
    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }

    @Benchmark
    public String proxyWithMapLock() {
        return proxyWithMapLock.conduct(keys.next());
    }

    @Benchmark
    public String proxyWithSpelAndMapLock() {
        return proxyWithSpelAndMapLock.conduct(keys.next());
    }

    @Benchmark
    public String springIntegrationLockRegistry() throws Exception {
        String key = keys.next();
        return lockRegistry.executeLocked(key, () -> plain.conduct(key));
    }

    private static Object lockAndProceed(
            ConcurrentHashMap<String, ReentrantLock> locks, String key, MethodInvocation invocation) throws Throwable {
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            return invocation.proceed();
        } finally {
            lock.unlock();
        }
    }

    private static Payments proxy(MethodInterceptor interceptor) {
        ProxyFactory factory = new ProxyFactory(new Payments());
        factory.setProxyTargetClass(true);
        factory.addAdvice(interceptor);
        return (Payments) factory.getProxy();
    }

    /** The starter's auto-configuration and one annotated bean; nothing else. */
    @SpringBootConfiguration
    @ImportAutoConfiguration(SerializedByAutoConfiguration.class)
    static class Application {

        @Bean
        Payments payments() {
            return new Payments();
        }
    }

    /**
     * The same with the actuator's Micrometer setup: an observation registry whose only handler is the
     * meter handler, over a {@code SimpleMeterRegistry}.
     */
    @SpringBootConfiguration
    @ImportAutoConfiguration({
        ObservationAutoConfiguration.class,
        MetricsAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class,
        SerializedByAutoConfiguration.class,
        SerializedByObservationAutoConfiguration.class
    })
    static class ObservedApplication {

        @Bean
        Payments payments() {
            return new Payments();
        }
    }
}
