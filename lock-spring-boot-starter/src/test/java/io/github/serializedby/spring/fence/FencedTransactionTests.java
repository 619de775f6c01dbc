package io.github.serializedby.spring.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.HeldLocks;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByObservationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * {@code @SerializedBy(fenced = true)}: the lock wraps the transaction, the fence admits each key's lease
 * as the first step inside it, a refusal rolls it back, and misuse fails the start.
 */
class FencedTransactionTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SerializedByAutoConfiguration.class, SerializedByObservationAutoConfiguration.class))
            .withUserConfiguration(Database.class, FenceConfiguration.class)
            .withBean(Accounts.class);

    @Test
    void theFenceAdmitsEachKeyInsideTheTransactionBeforeTheBodyRuns() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);
            MapFence fence = context.getBean(MapFence.class);

            long token = accounts.deposit("a", 5, null);
            accounts.transfer("b", "a", 1);

            assertThat(fence.events)
                    .containsExactly(
                            "admit account/a in transaction",
                            "body deposit",
                            "admit account/a in transaction",
                            "admit account/b in transaction",
                            "body transfer");
            assertThat(fence.highest.get("account/a")).isGreaterThan(token);
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from entry", Integer.class))
                    .isEqualTo(1);
        });
    }

    @Test
    void aStaleTokenIsRefusedTheBodyDoesNotRunAndTheTransactionRollsBack() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);
            MapFence fence = context.getBean(MapFence.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            fence.highest.put("account/a", Long.MAX_VALUE);

            assertThatThrownBy(() -> accounts.deposit("a", 5, null))
                    .isInstanceOf(StaleFencingTokenException.class)
                    .hasMessageContaining("'account'");

            assertThat(fence.events).containsExactly("admit account/a in transaction");
            assertThat(jdbc.queryForObject("select count(*) from admission", Integer.class))
                    .as("the fence's own write in the transaction")
                    .isZero();
            assertThat(jdbc.queryForObject("select count(*) from entry", Integer.class))
                    .isZero();
            assertThat(context.getBean(MeterRegistry.class)
                            .get("serialized.lock.fence.rejected")
                            .tag("lock.name", "account")
                            .counter()
                            .count())
                    .isEqualTo(1);
        });
    }

    @Test
    void theRefusalCounterReadsZeroFromTheStart() {
        runner.run(context -> assertThat(context.getBean(MeterRegistry.class)
                        .get("serialized.lock.fence.rejected")
                        .tag("lock.name", "account")
                        .counter()
                        .count())
                .isZero());
    }

    @Test
    void aNestedFencedCallReenteringTheKeyJoinsTheTransactionAlreadyAdmitted() {
        runner.run(context -> {
            Accounts accounts = context.getBean(Accounts.class);
            MapFence fence = context.getBean(MapFence.class);

            accounts.depositTwice("a");

            assertThat(fence.events).containsExactly("admit account/a in transaction", "body twice", "body deposit");
        });
    }

    @Test
    void aFencedCallJoiningATransactionBegunBeforeItsLockIsRefused() {
        runner.withBean(Caller.class).run(context -> {
            Caller caller = context.getBean(Caller.class);
            MapFence fence = context.getBean(MapFence.class);

            assertThatThrownBy(() -> caller.depositInOwnTransaction("a"))
                    .isInstanceOf(IllegalTransactionStateException.class)
                    .hasMessageContaining("joined a transaction that began before its lock was taken");
            assertThat(fence.events).isEmpty();
        });
    }

    @Test
    void withoutALockFenceTheStartFails() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
                .withUserConfiguration(Database.class)
                .withBean(Plain.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Plain.save(String)")
                        .hasMessageContaining("needs a LockFence bean"));
    }

    @Test
    void withoutATransactionManagerTheStartFails() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SerializedByAutoConfiguration.class))
                .withUserConfiguration(TransactionsWithoutManager.class)
                .withBean(LockFence.class, () -> lease -> {})
                .withBean(Plain.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Plain.save(String)")
                        .hasMessageContaining("no PlatformTransactionManager"));
    }

    @Test
    void aFencedMethodThatIsNotTransactionalFailsTheStart() {
        runner.withBean(NotTransactional.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("NotTransactional.save(String)")
                        .hasMessageContaining("is not transactional"));
    }

    @Test
    void aFencedMethodThatMayRunWithoutATransactionFailsTheStart() {
        runner.withBean(Supporting.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Supporting.save(String)")
                        .hasMessageContaining("is not transactional"));
    }

    @Test
    void aLockOrderedInsideTheTransactionFailsTheStart() {
        runner.withPropertyValues("serialized-by.order=" + Integer.MAX_VALUE)
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("Accounts.")
                        .hasMessageContaining("transaction would begin before its lock is taken"));
    }

    @Test
    void aFencedMethodReturningAMonoFailsTheStart() {
        runner.withBean(Reactive.class)
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasMessageContaining("Reactive.save(String)")
                        .hasMessageContaining("returns asynchronously"));
    }

    /** Keeps the highest token per lock and key, writes its admission in the caller's transaction. */
    static class MapFence implements LockFence {

        final Map<String, Long> highest = new ConcurrentHashMap<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        private final JdbcTemplate jdbc;

        MapFence(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public void admit(Lease lease) {
            String resource = lease.request().name() + "/" + lease.request().key();
            events.add("admit " + resource
                    + (TransactionSynchronizationManager.isActualTransactionActive() ? " in transaction" : " outside"));
            jdbc.update("insert into admission values (?, ?)", resource, lease.fencingToken());
            long seen = highest.merge(resource, lease.fencingToken(), Math::max);
            if (seen > lease.fencingToken()) {
                throw new StaleFencingTokenException(lease.request().name(), lease.fencingToken(), seen);
            }
        }
    }

    static class Accounts {

        private final JdbcTemplate jdbc;
        private final MapFence fence;
        private @Nullable Accounts self;

        Accounts(JdbcTemplate jdbc, MapFence fence) {
            this.jdbc = jdbc;
            this.fence = fence;
        }

        @org.springframework.beans.factory.annotation.Autowired
        void setSelf(@org.springframework.context.annotation.Lazy Accounts self) {
            this.self = self;
        }

        @SerializedBy(value = "#id", name = "account", fenced = true)
        @Transactional
        public long deposit(String id, int amount, @Nullable Lease lease) {
            fence.events.add("body deposit");
            jdbc.update("insert into entry values (?, ?)", id, amount);
            return lease.fencingToken();
        }

        @SerializedBy(
                value = {"#from", "#to"},
                name = "account",
                fenced = true)
        @Transactional
        public void transfer(String from, String to, int amount) {
            fence.events.add("body transfer");
            assertThat(HeldLocks.current().leases()).hasSize(2);
        }

        @SerializedBy(value = "#id", name = "account", fenced = true)
        @Transactional
        public void depositTwice(String id) {
            fence.events.add("body twice");
            self.deposit(id, 1, null);
        }
    }

    static class Caller {

        private final Accounts accounts;

        Caller(Accounts accounts) {
            this.accounts = accounts;
        }

        @Transactional
        public void depositInOwnTransaction(String id) {
            accounts.deposit(id, 1, null);
        }
    }

    static class Plain {

        @SerializedBy(value = "#id", fenced = true)
        @Transactional
        public void save(String id) {}
    }

    static class NotTransactional {

        @SerializedBy(value = "#id", fenced = true)
        public void save(String id) {}
    }

    static class Supporting {

        @SerializedBy(value = "#id", fenced = true)
        @Transactional(propagation = Propagation.SUPPORTS)
        public void save(String id) {}
    }

    static class Reactive {

        @SerializedBy(value = "#id", fenced = true)
        @Transactional
        public Mono<Void> save(String id) {
            return Mono.empty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Database {

        @Bean
        DataSource dataSource() {
            return new EmbeddedDatabaseBuilder()
                    .generateUniqueName(true)
                    .setType(EmbeddedDatabaseType.H2)
                    .addScript("fence-tables.sql")
                    .build();
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class TransactionsWithoutManager {}

    @Configuration(proxyBeanMethods = false)
    static class FenceConfiguration {

        @Bean
        MapFence mapFence(JdbcTemplate jdbc) {
            return new MapFence(jdbc);
        }
    }
}
