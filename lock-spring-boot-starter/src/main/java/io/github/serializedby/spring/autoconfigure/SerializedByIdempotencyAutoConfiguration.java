package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.InMemoryIdempotencyStore;
import io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore;
import io.github.serializedby.idempotency.redis.RedisIdempotencyStore;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.spring.idempotency.IdempotencyFilter;
import io.github.serializedby.spring.idempotency.IdempotencyInterceptor;
import io.github.serializedby.spring.idempotency.IdempotencySettings;
import io.github.serializedby.spring.web.IdempotencyProblemDetailsAdvice;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Idempotency keys for {@code @Idempotent} Spring MVC handler methods: the store (in memory unless the
 * application defines one), the filter that lets the interceptor buffer bodies, the interceptor and the
 * problem answers. WebFlux handlers are refused by {@link SerializedByWebFluxIdempotencyAutoConfiguration}. Expiry follows
 * the application's {@link Clock} bean when it has one. Off with
 * {@code serialized-by.idempotency.enabled=false}.
 */
@AutoConfiguration(after = SerializedByAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "serialized-by.idempotency.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SerializedByIdempotencyProperties.class)
public final class SerializedByIdempotencyAutoConfiguration {

    /** Stored responses in Redis, shared by the instances ({@code serialized-by.idempotency.store=redis}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.github.serializedby.idempotency.redis.RedisIdempotencyStore")
    @ConditionalOnProperty(name = "serialized-by.idempotency.store", havingValue = "redis")
    static class RedisStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean
        IdempotencyStore idempotencyStore(
                RedisConnectionFactory connections,
                SerializedByIdempotencyProperties properties,
                ObjectProvider<Clock> clock) {
            return new RedisIdempotencyStore(
                    connections, properties.getRedisPrefix(), clock.getIfAvailable(Clock::systemUTC));
        }
    }

    /** Stored responses in the database, shared by the instances ({@code serialized-by.idempotency.store=jdbc}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.github.serializedby.idempotency.jdbc.JdbcIdempotencyStore")
    @ConditionalOnProperty(name = "serialized-by.idempotency.store", havingValue = "jdbc")
    static class JdbcStoreConfiguration {

        @Bean
        @ConditionalOnMissingBean
        IdempotencyStore idempotencyStore(
                DataSource dataSource, SerializedByIdempotencyProperties properties, ObjectProvider<Clock> clock) {
            return new JdbcIdempotencyStore(
                    dataSource, clock.getIfAvailable(Clock::systemUTC), properties.isCreateTable());
        }
    }

    /**
     * The in-memory store, when no other store is configured. Asked for a shared store whose module is
     * missing, start-up fails: responses kept per JVM would let a retry reaching another instance run the
     * operation again.
     */
    @Bean
    @ConditionalOnMissingBean
    IdempotencyStore inMemoryIdempotencyStore(
            SerializedByIdempotencyProperties properties, ObjectProvider<Clock> clock) {
        SerializedByIdempotencyProperties.Store store = properties.getStore();
        if (store != SerializedByIdempotencyProperties.Store.IN_MEMORY) {
            String value = store.name().toLowerCase(Locale.ROOT);
            String module = store == SerializedByIdempotencyProperties.Store.REDIS ? "lock-redis" : "lock-jdbc";
            throw new IllegalStateException("serialized-by.idempotency.store=" + value + " needs "
                    + "io.github.serializedby:" + module + " on the class path; without it stored responses"
                    + " would stay in this JVM and not be shared. Add the dependency, declare an"
                    + " IdempotencyStore bean, or set serialized-by.idempotency.store=in-memory.");
        }
        return new InMemoryIdempotencyStore(
                clock.getIfAvailable(Clock::systemUTC),
                properties.getMaxEntries(),
                properties.getMaxStoredSize().toBytes());
    }

    @Bean
    @ConditionalOnMissingBean
    IdempotencyFilter idempotencyFilter(SerializedByIdempotencyProperties properties) {
        return new IdempotencyFilter(properties.getHeaderName());
    }

    @Bean
    WebMvcConfigurer idempotencyInterceptorConfigurer(
            IdempotencyStore store,
            LockProvider lockProvider,
            SerializedByIdempotencyProperties properties,
            ObjectProvider<Clock> clock,
            Environment environment) {
        IdempotencyInterceptor interceptor = new IdempotencyInterceptor(
                store,
                lockProvider,
                clock.getIfAvailable(Clock::systemUTC),
                new IdempotencySettings(
                        properties.getHeaderName(),
                        properties.getTtl(),
                        properties.getReplayHeader(),
                        List.copyOf(properties.getStoredHeaders()),
                        properties.isScopeByPrincipal(),
                        properties.getMaxBodySize().toBytes()),
                environment::resolveRequiredPlaceholders);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "serialized-by.http.problem-details", matchIfMissing = true)
    IdempotencyProblemDetailsAdvice idempotencyProblemDetailsAdvice(SerializedByIdempotencyProperties properties) {
        return new IdempotencyProblemDetailsAdvice(properties.getRetryAfter());
    }
}
