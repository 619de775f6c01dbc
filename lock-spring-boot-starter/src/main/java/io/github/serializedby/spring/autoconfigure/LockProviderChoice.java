package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.spring.autoconfigure.SerializedByProperties.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * Which lock provider is in use and why, told the same way by the start-up log and the {@code locks}
 * endpoint; and, when it is not the provider {@code serialized-by.provider} names, what is missing.
 *
 * @param provider the provider's name, as {@link ProviderNames} gives it
 * @param ownBean the name of the application's own provider bean, or null when the starter created it
 * @param setting how {@code serialized-by.provider} is set
 * @param mismatch what keeps the named provider from being used, or null when it is the one in use
 */
record LockProviderChoice(
        String provider,
        @Nullable String ownBean,
        String setting,
        @Nullable String mismatch) {

    private static final String PROPERTY = "serialized-by.provider";
    private static final String REDIS_CONNECTION_FACTORY =
            "org.springframework.data.redis.connection.RedisConnectionFactory";

    /** The auto-configuration that creates each provider's bean. */
    private static final Map<Provider, String> CREATED_BY = Map.of(
            Provider.IN_MEMORY, SerializedByAutoConfiguration.class.getName(),
            Provider.REDIS, SerializedByRedisAutoConfiguration.class.getName(),
            Provider.JDBC, SerializedByJdbcAutoConfiguration.class.getName());

    /** The choice made in {@code beanFactory}, whose {@link LockProvider} bean is the one in use. */
    static LockProviderChoice of(ConfigurableListableBeanFactory beanFactory, Environment environment) {
        Provider named = beanFactory.getBean(SerializedByProperties.class).getProvider();
        String setting = environment.containsProperty(PROPERTY) ? PROPERTY + "=" + value(named) : PROPERTY + " not set";
        String[] beanNames = beanFactory.getBeanNamesForType(LockProvider.class, false, false);
        LockProvider inUse = beanFactory.getBeanProvider(LockProvider.class).getIfUnique();
        String provider = inUse != null ? ProviderNames.of(inUse) : "unknown";
        String createdBy = beanNames.length == 1 ? declaringClass(beanFactory.getBeanDefinition(beanNames[0])) : "";
        if (!CREATED_BY.containsValue(createdBy)) {
            return new LockProviderChoice(provider, String.join(", ", beanNames), setting, null);
        }
        if (createdBy.equals(CREATED_BY.get(named))) {
            return new LockProviderChoice(provider, null, setting, null);
        }
        return new LockProviderChoice(provider, null, setting, mismatch(named, provider, beanFactory));
    }

    /** Why this provider is used, and how far its locks reach. */
    String reason() {
        if (ownBean != null) {
            return "the application's own LockProvider bean '" + ownBean + "'" + ignoredSetting();
        }
        return setting + ": " + reach();
    }

    /** The INFO line logged at start-up. */
    String logLine() {
        if (ownBean != null) {
            return "SerializedBy uses the application's own LockProvider bean '" + ownBean + "' (" + provider + ")"
                    + ignoredSetting();
        }
        return "SerializedBy uses the " + provider + " lock provider (" + setting + "): " + reach();
    }

    private String ignoredSetting() {
        return setting.endsWith(" not set") ? "" : "; " + setting + " is ignored";
    }

    private String reach() {
        return provider.equals(ProviderNames.IN_MEMORY)
                ? "locks exclude callers in this JVM only"
                : "locks exclude callers in every instance that shares it";
    }

    private static String mismatch(Provider named, String inUse, ConfigurableListableBeanFactory beanFactory) {
        ClassLoader classLoader = beanFactory.getBeanClassLoader();
        List<String> missing = new ArrayList<>();
        switch (named) {
            case REDIS -> {
                if (!isPresent("io.github.serializedby.lock.redis.RedisLockProvider", classLoader)) {
                    missing.add("io.github.serializedby:lock-redis is not on the class path");
                }
                if (!isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
                    missing.add("Spring Data Redis is not on the class path (add spring-boot-starter-data-redis)");
                } else if (!hasBean(beanFactory, ClassUtils.resolveClassName(REDIS_CONNECTION_FACTORY, classLoader))) {
                    missing.add("there is no RedisConnectionFactory bean (spring-boot-starter-data-redis with"
                            + " Lettuce, spring.data.redis.*)");
                }
            }
            case JDBC -> {
                if (!isPresent("io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider", classLoader)) {
                    missing.add("io.github.serializedby:lock-jdbc is not on the class path");
                }
                if (!hasBean(beanFactory, DataSource.class)) {
                    missing.add("there is no DataSource bean (spring-boot-starter-jdbc and spring.datasource.url)");
                }
            }
            case IN_MEMORY -> {}
        }
        String why = missing.isEmpty() ? "" : ": " + String.join("; ", missing);
        return PROPERTY + "=" + value(named) + ", but the " + inUse + " lock provider would be used" + why;
    }

    private static String declaringClass(BeanDefinition definition) {
        if (definition instanceof AnnotatedBeanDefinition annotated) {
            MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
            if (factoryMethod != null) {
                return factoryMethod.getDeclaringClassName();
            }
        }
        String beanClass = definition.getBeanClassName();
        return beanClass != null ? beanClass : "";
    }

    private static boolean isPresent(String className, @Nullable ClassLoader classLoader) {
        return ClassUtils.isPresent(className, classLoader);
    }

    private static boolean hasBean(ListableBeanFactory beanFactory, Class<?> type) {
        return beanFactory.getBeanNamesForType(type, false, false).length > 0;
    }

    private static String value(Provider provider) {
        return provider.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
