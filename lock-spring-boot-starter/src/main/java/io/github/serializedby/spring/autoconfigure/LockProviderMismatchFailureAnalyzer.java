package io.github.serializedby.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start-up failure because the named lock provider cannot be used. */
final class LockProviderMismatchFailureAnalyzer extends AbstractFailureAnalyzer<LockProviderMismatchException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LockProviderMismatchException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Add what is missing, or set serialized-by.provider to the provider you mean"
                        + " (in-memory keeps locks in this JVM only).",
                cause);
    }
}
