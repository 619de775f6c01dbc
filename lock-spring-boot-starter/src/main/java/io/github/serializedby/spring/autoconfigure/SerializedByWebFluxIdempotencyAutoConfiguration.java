package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.SerializedByConfigurationException;
import io.github.serializedby.spring.idempotency.Idempotent;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Refuses to start a WebFlux application with {@code @Idempotent} handler methods: idempotency keys are
 * honoured by Spring MVC only, and a handler silently run again for every retry is worse than no start.
 * Off, with the rest of idempotency, by {@code serialized-by.idempotency.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RequestMappingHandlerMapping.class)
@ConditionalOnBooleanProperty(name = "serialized-by.idempotency.enabled", matchIfMissing = true)
public final class SerializedByWebFluxIdempotencyAutoConfiguration {

    @Bean
    static SmartInitializingSingleton idempotentWebFluxHandlerCheck(
            ObjectProvider<RequestMappingHandlerMapping> mappings) {
        return () -> {
            List<String> idempotent = mappings.orderedStream()
                    .flatMap(mapping -> mapping.getHandlerMethods().values().stream())
                    .filter(method -> method.hasMethodAnnotation(Idempotent.class))
                    .map(method -> SerializedByConfigurationException.describe(method.getMethod()))
                    .distinct()
                    .toList();
            if (!idempotent.isEmpty()) {
                throw new IllegalStateException("@Idempotent is honoured by Spring MVC only, not by WebFlux handler"
                        + " methods; serve these with Spring MVC, or remove the annotation and deduplicate in"
                        + " the handler: " + String.join(", ", idempotent));
            }
        };
    }
}
