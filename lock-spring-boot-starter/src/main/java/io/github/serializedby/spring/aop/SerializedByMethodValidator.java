package io.github.serializedby.spring.aop;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.SerializedByConfigurationException;
import java.lang.reflect.Method;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Compiles every {@code @SerializedBy} method of the context's beans once all singletons exist, so that
 * a wrong declaration fails the start, and checks that each singleton holding one is proxied in a way
 * that lets the lock apply. A Spring MVC handler whose model attributes are loaded before its lock is
 * taken gets a warning.
 */
public final class SerializedByMethodValidator implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog(SerializedByMethodValidator.class);

    private final ConfigurableListableBeanFactory beanFactory;
    private final LockedMethods methods;
    private final boolean lockingEnabled;

    public SerializedByMethodValidator(
            ConfigurableListableBeanFactory beanFactory, LockedMethods methods, boolean lockingEnabled) {
        this.beanFactory = beanFactory;
        this.methods = methods;
        this.lockingEnabled = lockingEnabled;
    }

    @Override
    public void afterSingletonsInstantiated() {
        boolean mvcRequestLocks = lockingEnabled && beanFactory.containsBean(MvcRequestLockInterceptor.BEAN_NAME);
        boolean webFluxRequestLocks = lockingEnabled && beanFactory.containsBean(WebFluxRequestLockAdapter.BEAN_NAME);
        for (String beanName : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(beanName, false);
            if (type == null) {
                continue;
            }
            Class<?> userClass = ClassUtils.getUserClass(type);
            Map<Method, SerializedBy> annotated = LockedMethods.declaredOn(userClass);
            for (Map.Entry<Method, SerializedBy> entry : annotated.entrySet()) {
                Method method = entry.getKey();
                LockedMethod locked = methods.get(method, userClass);
                if (lockingEnabled) {
                    ModelAttributeTrap.Finding trap = ModelAttributeTrap.find(
                            userClass,
                            method,
                            entry.getValue().value(),
                            mvcRequestLocks && locked.kind() == ReturnKind.VALUE
                                    || webFluxRequestLocks
                                            && (locked.kind() == ReturnKind.MONO || locked.kind() == ReturnKind.FLUX));
                    if (trap != null && trap.lockedForRequest()) {
                        LOG.info(trap.message());
                    } else if (trap != null) {
                        LOG.warn(trap.message());
                    }
                    checkProxied(beanName, method, locked.fenced());
                }
            }
        }
    }

    private void checkProxied(String beanName, Method method, boolean fenced) {
        if (!beanFactory.containsSingleton(beanName)) {
            return;
        }
        Object bean = beanFactory.getBean(beanName);
        if (!AopUtils.isAopProxy(bean)) {
            throw new SerializedByConfigurationException(
                    method,
                    "bean '" + beanName + "' is not proxied, so calls would run unlocked (was it created"
                            + " before the auto-proxy creator, for instance by a BeanPostProcessor?)");
        }
        if (AopUtils.isJdkDynamicProxy(bean)
                && ReflectionUtils.findMethod(bean.getClass(), method.getName(), method.getParameterTypes()) == null) {
            throw new SerializedByConfigurationException(
                    method,
                    "bean '" + beanName + "' is a JDK interface proxy and no interface declares this method,"
                            + " so calls would run unlocked; declare it in the interface or use class proxies"
                            + " (spring.aop.proxy-target-class=true)");
        }
        if (fenced && !(bean instanceof Advised proxy && hasFence(proxy))) {
            throw new SerializedByConfigurationException(
                    method,
                    "fenced = true, and bean '" + beanName + "' has no fence among its advice, so calls would run"
                            + " unfenced (is spring-tx on the class path, and the proxy not frozen?)");
        }
    }

    private static boolean hasFence(Advised proxy) {
        for (Advisor advisor : proxy.getAdvisors()) {
            if (advisor.getAdvice() instanceof FenceInterceptor) {
                return true;
            }
        }
        return false;
    }
}
