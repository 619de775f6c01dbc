package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.actuate.ForceReleaseRefusalFilter;
import io.github.serializedby.spring.actuate.ForceReleaseRefusalWebFilter;
import io.github.serializedby.spring.actuate.LocksEndpoint;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;

/**
 * A clear refusal of force-releases while the {@code locks} endpoint is read-only, in servlet and WebFlux
 * applications alike, registered with the server the actuator answers on: the application's own, or the
 * management server's when {@code management.server.port} sets one apart.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnBean({EndpointAccessResolver.class, PathMappedEndpoints.class})
@ConditionalOnAvailableEndpoint(endpoint = LocksEndpoint.class, exposure = EndpointExposure.WEB)
public final class ForceReleaseRefusalManagementContextConfiguration {

    private static final EndpointId LOCKS = EndpointId.of("locks");

    /** The {@code locks} endpoint's path while force-releases are refused, or null when they are allowed. */
    static @Nullable String refusedPath(EndpointAccessResolver access, PathMappedEndpoints paths) {
        String path = paths.getPath(LOCKS);
        return path != null && access.accessFor(LOCKS, Access.READ_ONLY) != Access.UNRESTRICTED ? path : null;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(OncePerRequestFilter.class)
    static class ServletRefusal {

        @Bean
        @ConditionalOnMissingBean(name = "locksForceReleaseRefusal")
        FilterRegistrationBean<ForceReleaseRefusalFilter> locksForceReleaseRefusal(
                EndpointAccessResolver access, PathMappedEndpoints paths) {
            String path = refusedPath(access, paths);
            FilterRegistrationBean<ForceReleaseRefusalFilter> registration =
                    new FilterRegistrationBean<>(new ForceReleaseRefusalFilter(path != null ? path : "/"));
            registration.setEnabled(path != null);
            return registration;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(WebFilter.class)
    static class ReactiveRefusal {

        /** The refusal, or a filter that passes every request on when force-releases are allowed. */
        @Bean
        @ConditionalOnMissingBean(name = "locksForceReleaseRefusal")
        WebFilter locksForceReleaseRefusal(EndpointAccessResolver access, PathMappedEndpoints paths) {
            String path = refusedPath(access, paths);
            return path != null ? new ForceReleaseRefusalWebFilter(path) : (exchange, chain) -> chain.filter(exchange);
        }
    }
}
