package io.github.serializedby.benchmarks;

import io.github.serializedby.spring.SerializedBy;

/** The method every variant calls: as cheap as possible, so that what is measured is the locking. */
public class Payments {

    /** Not annotated: the plain call, and the target of hand-written proxies. */
    public String conduct(String paymentId) {
        return paymentId;
    }

    /** Locked by the annotation. */
    @SerializedBy("#paymentId")
    public String conductSerialized(String paymentId) {
        return paymentId;
    }
}
