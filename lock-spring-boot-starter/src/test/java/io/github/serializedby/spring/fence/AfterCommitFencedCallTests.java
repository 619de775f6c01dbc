package io.github.serializedby.spring.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByJdbcFenceAutoConfiguration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A fenced call in a new transaction from an after-commit callback of a transaction that fenced the same
 * key: that transaction has committed and holds no fence row lock, so the call is not refused.
 */
class AfterCommitFencedCallTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SerializedByAutoConfiguration.class, SerializedByJdbcFenceAutoConfiguration.class))
            .withUserConfiguration(FencedTransactionTests.Database.class)
            .withPropertyValues("serialized-by.jdbc.fence.create-table=true")
            .withBean(Ledger.class);

    @Test
    void anAfterCommitListenerMayAuditTheSameKeyInANewTransaction() {
        runner.run(context -> {
            Ledger ledger = context.getBean(Ledger.class);
            CompletableFuture.runAsync(() -> ledger.book("a", 5)).get(30, TimeUnit.SECONDS);
            assertThat(Ledger.failures).isEmpty();
            assertThat(context.getBean(JdbcTemplate.class)
                            .queryForList("select account from entry order by account", String.class))
                    .containsExactly("a", "a-audit");
        });
    }

    record Booked(String account) {}

    static class Ledger {
        static final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final JdbcTemplate jdbc;
        private final ApplicationEventPublisher events;

        @Autowired
        @Lazy
        Ledger self;

        Ledger(JdbcTemplate jdbc, ApplicationEventPublisher events) {
            this.jdbc = jdbc;
            this.events = events;
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional
        public void book(String account, int amount) {
            jdbc.update("insert into entry values (?, ?)", account, amount);
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            onBooked(new Booked(account));
                        }
                    });
        }

        public void onBooked(Booked booked) {
            try {
                self.audit(booked.account());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void audit(String account) {
            jdbc.update("insert into entry values (?, ?)", account + "-audit", 0);
        }
    }
}
