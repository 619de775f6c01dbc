package io.github.serializedby.spring.aop;

import io.github.serializedby.lock.LockFence;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopConfigException;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * Adds the {@link FenceInterceptor} as the innermost advice of every proxy whose target has a {@code
 * @SerializedBy(fenced = true)} method, so that it runs inside the transaction interceptor whatever the
 * advisors' orders, and refuses at start-up a fenced method whose fence could not work: no {@link
 * LockFence} or {@link PlatformTransactionManager} bean, no transaction of its own, or a transaction that
 * would begin before the lock is taken. Runs after the auto-proxy creator, on the proxies it made.
 */
public final class FencingPostProcessor implements SmartInstantiationAwareBeanPostProcessor {

    private final ListableBeanFactory beanFactory;
    private final Advisor fenceAdvisor;

    public FencingPostProcessor(ListableBeanFactory beanFactory, FenceInterceptor fence) {
        this.beanFactory = beanFactory;
        this.fenceAdvisor = new DefaultPointcutAdvisor(new FencedMethods(), fence);
    }

    @Override
    public Object getEarlyBeanReference(Object bean, String beanName) {
        return postProcessAfterInitialization(bean, beanName);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof Advised advised) || advised.indexOf(fenceAdvisor) >= 0) {
            return bean;
        }
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        List<Method> fenced = new ArrayList<>();
        for (Map.Entry<Method, SerializedBy> entry :
                LockedMethods.declaredOn(targetClass).entrySet()) {
            if (entry.getValue().fenced()) {
                fenced.add(entry.getKey());
            }
        }
        if (fenced.isEmpty()) {
            return bean;
        }
        Advisor[] advisors = advised.getAdvisors();
        int lock = indexOf(advisors, null);
        if (lock < 0) {
            return bean; // locking is off (serialized-by.enabled=false): nothing to fence
        }
        for (Method method : fenced) {
            check(method, targetClass, advisors, lock);
        }
        try {
            advised.addAdvisor(fenceAdvisor);
        } catch (AopConfigException e) {
            throw new SerializedByConfigurationException(
                    fenced.get(0), "the proxy of bean '" + beanName + "' is frozen, so the fence cannot be added", e);
        }
        return bean;
    }

    private void check(Method method, Class<?> targetClass, Advisor[] advisors, int lock) {
        if (beanFactory.getBeanNamesForType(LockFence.class, true, false).length == 0) {
            throw new SerializedByConfigurationException(
                    method,
                    "fenced = true needs a LockFence bean (lock-jdbc's relational fence, or the application's"
                            + " own), and there is none");
        }
        if (beanFactory.getBeanNamesForType(PlatformTransactionManager.class, true, false).length == 0) {
            throw new SerializedByConfigurationException(
                    method,
                    "fenced = true admits the call in a transaction, and there is no PlatformTransactionManager");
        }
        int transaction = indexOf(advisors, TransactionInterceptor.class);
        TransactionAttribute attribute = null;
        if (transaction >= 0) {
            TransactionAttributeSource source =
                    ((TransactionInterceptor) advisors[transaction].getAdvice()).getTransactionAttributeSource();
            attribute = source != null ? source.getTransactionAttribute(method, targetClass) : null;
        }
        if (attribute == null || !beginsOrJoins(attribute.getPropagationBehavior())) {
            throw new SerializedByConfigurationException(
                    method,
                    "fenced = true admits the call as the first step of its transaction, and the method is not"
                            + " transactional (annotate it @Transactional, propagation REQUIRED or REQUIRES_NEW)");
        }
        if (transaction < lock) {
            throw new SerializedByConfigurationException(
                    method,
                    "its transaction would begin before its lock is taken (the transaction advisor runs first),"
                            + " so it could read data a newer holder then changes; set serialized-by.order"
                            + " below the transaction advisor's order");
        }
    }

    private static boolean beginsOrJoins(int propagation) {
        return propagation == TransactionDefinition.PROPAGATION_REQUIRED
                || propagation == TransactionDefinition.PROPAGATION_REQUIRES_NEW
                || propagation == TransactionDefinition.PROPAGATION_NESTED;
    }

    /** The index of the lock advisor (for a null type) or of the first advisor whose advice is a {@code type}. */
    private static int indexOf(Advisor[] advisors, @Nullable Class<?> type) {
        for (int i = 0; i < advisors.length; i++) {
            if (type == null ? advisors[i] instanceof SerializedByAdvisor : type.isInstance(advisors[i].getAdvice())) {
                return i;
            }
        }
        return -1;
    }

    /** The methods annotated {@code @SerializedBy(fenced = true)}. */
    private static final class FencedMethods extends StaticMethodMatcherPointcut {

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
            SerializedBy annotation = AnnotatedElementUtils.findMergedAnnotation(specific, SerializedBy.class);
            return annotation != null && annotation.fenced();
        }
    }
}
