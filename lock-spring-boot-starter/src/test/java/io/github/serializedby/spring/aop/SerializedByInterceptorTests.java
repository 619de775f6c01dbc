package io.github.serializedby.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockNotAcquiredException;
import io.github.serializedby.lock.LockPolicy;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SerializedByInterceptorTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
            .withUserConfiguration(BankConfiguration.class);

    @Test
    void transfersInOppositeDirectionsNeitherDeadlockNorLoseUpdates() {
        runner.run(context -> {
            Bank bank = context.getBean(Bank.class);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    boolean forward = t % 2 == 0;
                    done.add(threads.submit(() -> {
                        start.await();
                        for (int i = 0; i < 2_000; i++) {
                            if (forward) {
                                bank.transfer("A", "B", 1);
                            } else {
                                bank.transfer("B", "A", 1);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> worker : done) {
                    worker.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            Ledger ledger = context.getBean(Ledger.class);
            assertThat(ledger.balanceA + ledger.balanceB).isEqualTo(2_000);
            assertThat(ledger.balanceA).isEqualTo(1_000);
            assertThat(ledger.transfers.get()).isEqualTo(16_000);
        });
    }

    @Test
    void aNestedCallOnAnotherBeanWithTheSameLockReentersInsteadOfDeadlocking() {
        runner.run(context -> {
            Bank bank = context.getBean(Bank.class);

            assertThat(bank.withdrawThenAudit("A")).isEqualTo("audited A");
        });
    }

    @Test
    void failFastRefusesWhileAnotherThreadHoldsTheKey() {
        runner.run(context -> {
            Bank bank = context.getBean(Bank.class);
            Ledger ledger = context.getBean(Ledger.class);
            ExecutorService threads = Executors.newSingleThreadExecutor();
            try {
                Future<?> holder = threads.submit(() -> {
                    bank.hold("A");
                    return null;
                });
                assertThat(ledger.holding.await(10, TimeUnit.SECONDS)).isTrue();

                assertThatThrownBy(() -> bank.quick("A"))
                        .isInstanceOf(LockNotAcquiredException.class)
                        .satisfies(e -> assertThat(((LockNotAcquiredException) e).policy())
                                .isEqualTo(LockPolicy.FAIL_FAST));
                assertThat(bank.quick("B")).isEqualTo("quick B");

                ledger.release.countDown();
                holder.get(10, TimeUnit.SECONDS);
                assertThat(bank.quick("A")).isEqualTo("quick A");
            } finally {
                threads.shutdownNow();
            }
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class BankConfiguration {
        @Bean
        Audit audit() {
            return new Audit();
        }

        @Bean
        Ledger ledger() {
            return new Ledger();
        }

        @Bean
        Bank bank(Audit audit, Ledger ledger) {
            return new Bank(audit, ledger);
        }
    }

    public static class Audit {
        @SerializedBy(value = "#account", name = "account")
        public String audit(String account) {
            return "audited " + account;
        }
    }

    /** State the test reads; fields of a proxied bean would be read on the proxy, not the target. */
    static class Ledger {
        final AtomicInteger transfers = new AtomicInteger();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        int balanceA = 1_000;
        int balanceB = 1_000;
    }

    public static class Bank {
        private final Audit audit;
        private final Ledger ledger;

        Bank(Audit audit, Ledger ledger) {
            this.audit = audit;
            this.ledger = ledger;
        }

        @SerializedBy(
                value = {"#from", "#to"},
                name = "account")
        public void transfer(String from, String to, int amount) {
            if (from.equals("A")) {
                ledger.balanceA -= amount;
                ledger.balanceB += amount;
            } else {
                ledger.balanceB -= amount;
                ledger.balanceA += amount;
            }
            ledger.transfers.incrementAndGet();
        }

        @SerializedBy(value = "#account", name = "account")
        public String withdrawThenAudit(String account) {
            return audit.audit(account);
        }

        @SerializedBy(value = "#account", name = "account")
        public void hold(String account) throws InterruptedException {
            ledger.holding.countDown();
            ledger.release.await(10, TimeUnit.SECONDS);
        }

        @SerializedBy(value = "#account", name = "account", policy = LockPolicy.FAIL_FAST)
        public String quick(String account) {
            return "quick " + account;
        }
    }
}
