package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockExecutor;
import io.github.serializedby.lock.LockListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;

/**
 * Warns at start-up when the starter's executor backed off to the application's own while decorator or
 * listener beans are defined: only the starter's executor wraps its provider with them, so the locks
 * endpoint's held locks, the meters and spans, and the listeners would miss every call without a word.
 * Reads the condition evaluation report, which an ahead-of-time run leaves empty: it stays silent there.
 */
final class OwnLockExecutorCheck implements SmartInitializingSingleton {

    private static final Log logger = LogFactory.getLog(SerializedByAutoConfiguration.class);
    private static final String STARTER_EXECUTOR = SerializedByAutoConfiguration.class.getName() + "#lockExecutor";

    private final ConfigurableListableBeanFactory beanFactory;

    OwnLockExecutorCheck(ConfigurableListableBeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        ConditionEvaluationReport.ConditionAndOutcomes starterExecutor = ConditionEvaluationReport.get(beanFactory)
                .getConditionAndOutcomesBySource()
                .get(STARTER_EXECUTOR);
        if (starterExecutor == null || starterExecutor.isFullMatch()) {
            return;
        }
        List<String> leftOut = new ArrayList<>(
                Arrays.asList(beanFactory.getBeanNamesForType(LockProviderDecorator.class, true, false)));
        for (String listener : beanFactory.getBeanNamesForType(LockListener.class, true, false)) {
            if (!beanFactory.isTypeMatch(listener, LeaseLossListener.class)) {
                leftOut.add(listener);
            }
        }
        if (leftOut.isEmpty()) {
            return;
        }
        logger.warn("LockExecutor bean(s) "
                + Arrays.toString(beanFactory.getBeanNamesForType(LockExecutor.class, true, false))
                + " of the application's own replace the starter's executor, the only one that wraps its provider"
                + " with the LockProviderDecorator and LockListener beans " + leftOut + ": calls through it,"
                + " @SerializedBy methods included, get no serialized.lock.* meters or spans, are not among the locks"
                + " endpoint's held locks and are not heard by the listeners. Define a LockProvider bean instead of"
                + " a LockExecutor to keep them.");
    }
}
