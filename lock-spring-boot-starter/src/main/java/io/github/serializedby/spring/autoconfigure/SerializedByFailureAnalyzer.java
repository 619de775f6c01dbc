package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.spring.SerializedByConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up failure caused by a wrong {@code @SerializedBy} declaration. */
final class SerializedByFailureAnalyzer extends AbstractFailureAnalyzer<SerializedByConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SerializedByConfigurationException cause) {
        return new FailureAnalysis(
                "@SerializedBy on " + cause.methodDescription() + " is invalid: " + cause.problem(),
                "Fix the annotation on " + cause.methodDescription() + ".",
                cause);
    }
}
