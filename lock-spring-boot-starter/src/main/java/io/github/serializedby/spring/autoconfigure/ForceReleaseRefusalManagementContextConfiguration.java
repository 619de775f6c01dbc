package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.actuate.ForceReleaseRefusalFilter;
import io.github.serializedby.spring.actuate.LocksEndpoint;
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
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A clear refusal of force-releases while the {@code locks} endpoint is read-only (servlet applications),
 * registered with the server the actuator answers on: the application's own, or the management server's
 * when {@code management.server.port} sets one apart.
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnBean({EndpointAccessResolver.class, PathMappedEndpoints.class})
@ConditionalOnAvailableEndpoint(endpoint = LocksEndpoint.class, exposure = EndpointExposure.WEB)
public final class ForceReleaseRefusalManagementContextConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "locksForceReleaseRefusal")
    FilterRegistrationBean<ForceReleaseRefusalFilter> locksForceReleaseRefusal(
            EndpointAccessResolver access, PathMappedEndpoints paths) {
        EndpointId locks = EndpointId.of("locks");
        String path = paths.getPath(locks);
        FilterRegistrationBean<ForceReleaseRefusalFilter> registration =
                new FilterRegistrationBean<>(new ForceReleaseRefusalFilter(path != null ? path : "/"));
        registration.setEnabled(path != null && access.accessFor(locks, Access.READ_ONLY) != Access.UNRESTRICTED);
        return registration;
    }
}
