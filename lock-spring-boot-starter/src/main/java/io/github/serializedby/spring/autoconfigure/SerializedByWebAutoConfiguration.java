package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.web.LockProblemDetailsAdvice;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers lock failures in Spring MVC and Spring WebFlux applications with problem details. Off with {@code
 * serialized-by.http.problem-details=false}, or by defining a {@link LockProblemDetailsAdvice} bean.
 */
@AutoConfiguration(after = SerializedByAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass({RestControllerAdvice.class, ProblemDetail.class})
@ConditionalOnBooleanProperty(name = "serialized-by.http.problem-details", matchIfMissing = true)
public final class SerializedByWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockProblemDetailsAdvice lockProblemDetailsAdvice(SerializedByProperties properties) {
        return new LockProblemDetailsAdvice(
                HttpStatusCode.valueOf(properties.getHttp().getContentionStatus()),
                properties.getHttp().getRetryAfter());
    }
}
