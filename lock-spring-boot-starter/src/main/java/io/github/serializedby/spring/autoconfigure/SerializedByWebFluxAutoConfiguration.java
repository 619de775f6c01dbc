package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.spring.aop.LockedMethods;
import io.github.serializedby.spring.aop.WebFluxRequestLockAdapter;
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
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.WebFilter;

/**
 * Locks a {@code @SerializedBy} WebFlux handler for the whole request where its controller's model
 * attributes would otherwise be loaded before the lock: see {@link WebFluxRequestLockAdapter}.
 */
@AutoConfiguration(after = SerializedByAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RequestMappingHandlerAdapter.class)
@ConditionalOnBooleanProperty(name = "serialized-by.enabled", matchIfMissing = true)
public final class SerializedByWebFluxAutoConfiguration {

    /** Converts request text as WebFlux binds it, with the application's WebFlux conversions. */
    private static final String WEBFLUX_CONVERSION_SERVICE = "webFluxConversionService";

    @Bean(WebFluxRequestLockAdapter.BEAN_NAME)
    WebFluxRequestLockAdapter serializedByWebFluxRequestLocks(
            LockedMethods serializedByLockedMethods,
            ObjectProvider<LockExecutor> executor,
            ObjectProvider<RequestMappingHandlerAdapter> handlerMethods,
            ObjectProvider<RequestMappingHandlerMapping> mappings,
            ListableBeanFactory beans) {
        return new WebFluxRequestLockAdapter(
                serializedByLockedMethods,
                SingletonSupplier.of(executor::getObject),
                SingletonSupplier.of(() -> beans.containsBean(WEBFLUX_CONVERSION_SERVICE)
                        ? beans.getBean(WEBFLUX_CONVERSION_SERVICE, ConversionService.class)
                        : ApplicationConversionService.getSharedInstance()),
                SingletonSupplier.of(handlerMethods::getObject),
                () -> mappings.orderedStream()
                        .flatMap(mapping -> mapping.getHandlerMethods().values().stream())
                        .toList());
    }

    @Bean
    WebFilter serializedByWebFluxRequestHolds(WebFluxRequestLockAdapter serializedByWebFluxRequestLocks) {
        return serializedByWebFluxRequestLocks.holdingFilter();
    }
}
