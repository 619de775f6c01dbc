package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.StaleFencingTokenException;

/** Hears each refusal by the fence of a {@code @SerializedBy(fenced = true)} call, such as to count it. */
interface FenceRefusalListener {

    void refused(StaleFencingTokenException refusal);
}
