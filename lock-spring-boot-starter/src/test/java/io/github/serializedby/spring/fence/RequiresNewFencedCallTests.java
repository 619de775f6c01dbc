package io.github.serializedby.spring.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByJdbcFenceAutoConfiguration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A fenced call that begins a new transaction ({@code REQUIRES_NEW}) while a suspended transaction on
 * its thread already admitted the same key: the suspended transaction keeps the fence row locked, so the
 * new one would wait for its own thread. It is refused at once instead; other keys still pass.
 */
class RequiresNewFencedCallTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SerializedByAutoConfiguration.class, SerializedByJdbcFenceAutoConfiguration.class))
            .withUserConfiguration(FencedTransactionTests.Database.class)
            .withPropertyValues("serialized-by.jdbc.fence.create-table=true")
            .withBean(Ledger.class);

    @Test
    void aNewTransactionOnAKeyItsSuspendedCallerAdmittedIsRefusedAtOnceAndReleasesTheLock() {
        runner.run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

            assertThatThrownBy(() -> onAnotherThread(() -> ledger.bookWithSeparateAudit("a", 5)))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(IllegalTransactionStateException.class)
                    .hasMessageContaining("audit")
                    .hasMessageContaining("'ledger'")
                    .hasMessageNotContaining("'a'");

            assertThat(jdbc.queryForObject("select count(*) from entry", Integer.class))
                    .isZero();
            onAnotherThread(() -> ledger.book("a", 7));
            assertThat(jdbc.queryForObject("select sum(amount) from entry where account = 'a'", Integer.class))
                    .isEqualTo(7);
        });
    }

    @Test
    void aNewTransactionOnAnotherKeyIsAdmittedAndNothingIsLeftOnTheThread() {
        runner.run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                thread.submit(() -> ledger.bookWithAuditOn("a", "b", 5)).get(30, TimeUnit.SECONDS);
                // on the same thread again: a stale record of "a" or "b" would refuse these
                thread.submit(() -> ledger.audit("a")).get(30, TimeUnit.SECONDS);
                thread.submit(() -> ledger.bookWithAuditOn("b", "a", 3)).get(30, TimeUnit.SECONDS);
            } finally {
                thread.shutdownNow();
            }
            assertThat(jdbc.queryForList("select account from entry order by account", String.class))
                    .containsExactly("a", "a-audit", "a-audit", "b", "b-audit");
        });
    }

    private static void onAnotherThread(Runnable call) throws Exception {
        CompletableFuture.runAsync(call).get(30, TimeUnit.SECONDS);
    }

    static class Ledger {

        private final JdbcTemplate jdbc;

        @Autowired
        @Lazy
        Ledger self;

        Ledger(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional
        public void book(String account, int amount) {
            jdbc.update("insert into entry values (?, ?)", account, amount);
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional
        public void bookWithSeparateAudit(String account, int amount) {
            jdbc.update("insert into entry values (?, ?)", account, amount);
            self.audit(account);
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional
        public void bookWithAuditOn(String account, String audited, int amount) {
            jdbc.update("insert into entry values (?, ?)", account, amount);
            self.audit(audited);
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void audit(String account) {
            jdbc.update("insert into entry values (?, ?)", account + "-audit", 0);
        }
    }
}
