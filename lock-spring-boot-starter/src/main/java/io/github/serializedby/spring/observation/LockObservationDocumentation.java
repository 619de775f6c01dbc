package io.github.serializedby.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/** The observations SerializedBy makes, and their key names. */
public enum LockObservationDocumentation implements ObservationDocumentation {

    /**
     * Asking for a lock, from the first try to the outcome: a timer {@code serialized.lock.acquire} tagged
     * with the outcome, and a long-task timer {@code serialized.lock.acquire.active} counting callers
     * waiting now.
     */
    LOCK_ACQUIRE {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLockAcquireObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return KeyName.merge(CommonKeyNames.values(), AcquireKeyNames.values());
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    },

    /**
     * Holding a lock, from grant to release: a timer {@code serialized.lock.held}, and {@code
     * serialized.lock.held.active} counting locks held now, a long-task timer as Micrometer's meter handler
     * makes it, or a gauge where {@link MeteredLockProvider} records the meters.
     */
    LOCK_HOLD {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultLockHoldObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return CommonKeyNames.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return HighCardinalityKeyNames.values();
        }
    };

    /** Tags of both observations; all of bounded cardinality. */
    public enum CommonKeyNames implements KeyName {

        /** The lock name (namespace), as given in the annotation or derived from the method. */
        LOCK_NAME {
            @Override
            public String asString() {
                return "lock.name";
            }
        },

        /** The provider: in-memory, redis, jdbc... */
        PROVIDER {
            @Override
            public String asString() {
                return "lock.provider";
            }
        },

        /** exclusive or shared. */
        MODE {
            @Override
            public String asString() {
                return "lock.mode";
            }
        }
    }

    /** Tags of the acquisition. */
    public enum AcquireKeyNames implements KeyName {

        /**
         * acquired, rejected (fail-fast), timeout, cancelled, queue-full or expected-wait (refused at once by a
         * bound on waiting) or error; set when the acquisition ends.
         */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }

    /** Span-only attributes, added when configured: never on metrics. */
    public enum HighCardinalityKeyNames implements KeyName {

        /** The lock key, which may be personal data; only with serialized-by.observation.include-key. */
        LOCK_KEY {
            @Override
            public String asString() {
                return "lock.key";
            }
        }
    }
}
