package io.github.serializedby.spring.aop;

import io.github.serializedby.spring.SerializedBy;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/** Applies the {@link SerializedByInterceptor} to methods annotated with {@link SerializedBy}. */
public final class SerializedByAdvisor extends AbstractPointcutAdvisor {

    private final Pointcut pointcut = new AnnotationMatchingPointcut(null, SerializedBy.class, true);
    private final SerializedByInterceptor interceptor;

    public SerializedByAdvisor(SerializedByInterceptor interceptor, int order) {
        this.interceptor = interceptor;
        setOrder(order);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }
}
