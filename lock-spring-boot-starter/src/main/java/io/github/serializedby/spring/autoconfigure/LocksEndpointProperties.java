package io.github.serializedby.spring.autoconfigure;

import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of the {@code locks} actuator endpoint, under {@code management.endpoint.locks}. */
@ConfigurationProperties("management.endpoint.locks")
public class LocksEndpointProperties {

    /** When to show lock keys, which may be personal data; otherwise they are masked. */
    private Show showValues = Show.NEVER;

    /** Roles allowed to see keys when show-values is when-authorized; empty means any authenticated user. */
    private Set<String> roles = new HashSet<>();

    public Show getShowValues() {
        return showValues;
    }

    public void setShowValues(Show showValues) {
        this.showValues = showValues;
    }

    public Set<String> getRoles() {
        return roles;
    }

    public void setRoles(Set<String> roles) {
        this.roles = roles;
    }
}
