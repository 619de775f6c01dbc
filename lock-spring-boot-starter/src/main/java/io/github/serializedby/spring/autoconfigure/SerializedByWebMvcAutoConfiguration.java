package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.MvcRequestLockInterceptor;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.ConversionService;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Locks a {@code @SerializedBy} Spring MVC handler for the whole request where its controller's model
 * attributes would otherwise be loaded before the lock: see {@link MvcRequestLockInterceptor}.
 */
@AutoConfiguration(after = SerializedByAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@ConditionalOnBooleanProperty(name = "serialized-by.enabled", matchIfMissing = true)
public final class SerializedByWebMvcAutoConfiguration {

    /** Converts request text as Spring MVC binds it, with the application's MVC conversions. */
    private static final String MVC_CONVERSION_SERVICE = "mvcConversionService";

    @Bean(MvcRequestLockInterceptor.BEAN_NAME)
    MvcRequestLockInterceptor serializedByMvcRequestLocks(
            LockedMethods serializedByLockedMethods, ObjectProvider<LockExecutor> executor, ListableBeanFactory beans) {
        return new MvcRequestLockInterceptor(
                serializedByLockedMethods,
                SingletonSupplier.of(executor::getObject),
                SingletonSupplier.of(() -> beans.containsBean(MVC_CONVERSION_SERVICE)
                        ? beans.getBean(MVC_CONVERSION_SERVICE, ConversionService.class)
                        : ApplicationConversionService.getSharedInstance()));
    }

    @Bean
    WebMvcConfigurer serializedByMvcRequestLockConfigurer(MvcRequestLockInterceptor serializedByMvcRequestLocks) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(serializedByMvcRequestLocks);
            }
        };
    }
}
