package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.web.LockErrorViewAdvice;
import io.github.serializedby.spring.web.LockProblemDetailsAdvice;
import io.github.serializedby.spring.web.ReactiveLockErrorViewAdvice;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers lock failures in Spring MVC and Spring WebFlux applications with problem details, and a browser with
 * Spring Boot's error view ({@link LockErrorViewAdvice}, {@link ReactiveLockErrorViewAdvice}). Off with {@code
 * serialized-by.http.problem-details=false}, or by defining a {@link LockProblemDetailsAdvice} bean.
 */
@AutoConfiguration(
        after = SerializedByAutoConfiguration.class,
        afterName = {
            "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
            "org.springframework.boot.webflux.autoconfigure.error.ErrorWebFluxAutoConfiguration"
        })
@ConditionalOnWebApplication
@ConditionalOnClass({RestControllerAdvice.class, ProblemDetail.class})
@ConditionalOnBooleanProperty(name = "serialized-by.http.problem-details", matchIfMissing = true)
public final class SerializedByWebAutoConfiguration {

    /** In Spring MVC with Spring Boot's error views, browsers are answered with the error view. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({ErrorViewResolver.class, ModelAndView.class})
    @ConditionalOnBean(ErrorViewResolver.class)
    static class ErrorViews {

        @Bean
        @ConditionalOnMissingBean(LockProblemDetailsAdvice.class)
        LockErrorViewAdvice lockProblemDetailsAdvice(
                SerializedByProperties properties, ObjectProvider<ErrorViewResolver> errorViewResolvers) {
            return new LockErrorViewAdvice(
                    HttpStatusCode.valueOf(properties.getHttp().getContentionStatus()),
                    properties.getHttp().getRetryAfter(),
                    errorViewResolvers.orderedStream().toList());
        }
    }

    /** In Spring WebFlux with Spring Boot's error handler, browsers are handed to it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(ErrorWebExceptionHandler.class)
    @ConditionalOnBean(ErrorWebExceptionHandler.class)
    static class ReactiveErrorViews {

        @Bean
        @ConditionalOnMissingBean(LockProblemDetailsAdvice.class)
        ReactiveLockErrorViewAdvice lockProblemDetailsAdvice(
                SerializedByProperties properties, ErrorWebExceptionHandler errorHandler) {
            return new ReactiveLockErrorViewAdvice(
                    HttpStatusCode.valueOf(properties.getHttp().getContentionStatus()),
                    properties.getHttp().getRetryAfter(),
                    errorHandler);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    LockProblemDetailsAdvice lockProblemDetailsAdvice(SerializedByProperties properties) {
        return new LockProblemDetailsAdvice(
                HttpStatusCode.valueOf(properties.getHttp().getContentionStatus()),
                properties.getHttp().getRetryAfter());
    }
}
