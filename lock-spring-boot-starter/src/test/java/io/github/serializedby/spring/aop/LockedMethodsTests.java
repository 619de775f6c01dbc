package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockMode;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.lock.support.WaitLimits;
import io.github.serializedby.spring.SerializedBy;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LockedMethodsTests {

    private final LockedMethods methods = new LockedMethods(
            new LockSettings(LockPolicy.WAIT, Duration.ofSeconds(1), LockMode.EXCLUSIVE, WaitLimits.UNBOUNDED),
            Map.of(),
            UnaryOperator.identity(),
            null);

    private final Payments target = new Payments();

    @Test
    void everyCopyOfAMethodGivesTheMethodCompiledOnce() throws Exception {
        LockedMethod atStartUp = methods.get(conduct(), Payments.class);

        Method calledByProxy = conduct();
        LockedMethod first = methods.get(calledByProxy, target);
        LockedMethod again = methods.get(calledByProxy, target);

        assertThat(first).isSameAs(atStartUp).isSameAs(again);
        assertThat(first.name()).isEqualTo("payments");
        assertThat(methods.all()).hasSize(1);
        assertThat(methods.calledInstanceCount()).isEqualTo(1);
    }

    @Test
    void callsWithAFreshCopyEachTimeDoNotGrowTheLookupByIdentityBeyondItsBound() throws Exception {
        LockedMethod compiled = methods.get(conduct(), Payments.class);

        for (int i = 0; i < LockedMethods.MAX_CALLED_INSTANCES + 500; i++) {
            assertThat(methods.get(conduct(), target)).isSameAs(compiled);
        }

        assertThat(methods.calledInstanceCount()).isEqualTo(LockedMethods.MAX_CALLED_INSTANCES);
        assertThat(methods.all()).hasSize(1);
    }

    @Test
    void aMethodCalledThroughItsInterfaceIsCompiledFromEachImplementationsOwnAnnotation() throws Exception {
        Method calledByInterfaceProxy = Ledger.class.getMethod("post", String.class, String.class);

        LockedMethod byAccount = methods.get(calledByInterfaceProxy, new ByAccount());
        LockedMethod byEntry = methods.get(calledByInterfaceProxy, new ByEntry());

        assertThat(byAccount.name()).isEqualTo("by-account");
        assertThat(byAccount.keyExpressions()).containsExactly("#account");
        assertThat(byEntry.name()).isEqualTo("by-entry");
        assertThat(byEntry.keyExpressions()).containsExactly("#entry");
        assertThat(methods.get(calledByInterfaceProxy, new ByAccount())).isSameAs(byAccount);
        assertThat(methods.get(ByAccount.class.getMethod("post", String.class, String.class), ByAccount.class))
                .as("the same as the validator compiles at start-up")
                .isSameAs(byAccount);
    }

    /** A fresh copy of the method each time, as {@code Class.getMethod} gives. */
    private static Method conduct() throws NoSuchMethodException {
        return Payments.class.getMethod("conduct", String.class);
    }

    public interface Ledger {

        String post(String account, String entry);
    }

    public static class ByAccount implements Ledger {

        @Override
        @SerializedBy(value = "#account", name = "by-account")
        public String post(String account, String entry) {
            return account;
        }
    }

    public static class ByEntry implements Ledger {

        @Override
        @SerializedBy(value = "#entry", name = "by-entry")
        public String post(String account, String entry) {
            return entry;
        }
    }

    public static class Payments {

        @SerializedBy(value = "#paymentId", name = "payments")
        public String conduct(String paymentId) {
            return paymentId;
        }
    }
}
