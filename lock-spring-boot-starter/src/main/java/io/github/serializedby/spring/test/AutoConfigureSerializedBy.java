package io.github.serializedby.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Adds the starter to a test that has no auto-configuration or only a slice of it, such as {@code
 * @DataJpaTest}, {@code @JdbcTest} or {@code @SpringBootTest(classes = ...)}: {@code @SerializedBy}
 * methods are locked, with the provider {@code serialized-by.provider} names, as in the application.
 * {@code @WebMvcTest} and {@code @WebFluxTest} include the starter without it. Observations and the
 * {@code locks} endpoint are left out, as the slices leave out what they build on.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureSerializedBy {}
