package io.github.serializedby.lock.jdbc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.TestDatabases;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * The fence inside JPA transactions ({@code JpaTransactionManager}, Hibernate, a Spring Data repository)
 * on H2: it runs on the connection Hibernate uses, so its refusal rolls back what the repository flushed.
 */
class JpaLockFenceTest {

    private static AnnotationConfigApplicationContext context;
    private static Withdrawals withdrawals;
    private static Accounts accounts;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        context = new AnnotationConfigApplicationContext(JpaConfiguration.class);
        withdrawals = context.getBean(Withdrawals.class);
        accounts = context.getBean(Accounts.class);
        jdbc = new JdbcTemplate(context.getBean(DataSource.class));
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aNewerTokenPassesInTheFenceTableAndTheWithdrawalCommits() {
        long id = JdbcLockFenceTest.newId();
        accounts.save(new FencedAccount(id, 100));
        withdrawals.withdraw(FencedLease.of("transfer", id, 3), id, 30);
        withdrawals.withdraw(FencedLease.of("transfer", id, 4), id, 20);
        assertThat(accounts.findById(id).orElseThrow().balance()).isEqualTo(50);
    }

    @Test
    void aStaleTokenIsRefusedAndWhatTheRepositoryFlushedRollsBack() {
        long id = JdbcLockFenceTest.newId();
        accounts.save(new FencedAccount(id, 100));
        withdrawals.withdraw(FencedLease.of("transfer", id, 7), id, 30);
        assertThatThrownBy(() -> withdrawals.flushThenAdmit(FencedLease.of("transfer", id, 6), id, 50))
                .isInstanceOf(StaleFencingTokenException.class);
        assertThat(accounts.findById(id).orElseThrow().balance()).isEqualTo(70);
    }

    @Test
    void theEntitysOwnColumnFencesAndHibernateNeverWritesItBack() {
        long id = JdbcLockFenceTest.newId();
        accounts.save(new FencedAccount(id, 100));
        withdrawals.withdraw(FencedLease.of("account", id, 5), id, 30);
        assertThat(jdbc.queryForObject("select fence_token from fence_jpa_account where id = ?", Long.class, id))
                .isEqualTo(5);
        assertThatThrownBy(() -> withdrawals.flushThenAdmit(FencedLease.of("account", id, 4), id, 50))
                .isInstanceOfSatisfying(
                        StaleFencingTokenException.class,
                        e -> assertThat(e.storedToken()).isEqualTo(5));
        FencedAccount account = accounts.findById(id).orElseThrow();
        assertThat(account.balance()).isEqualTo(70);
        assertThat(account.fenceToken()).isEqualTo(5);
    }

    interface Accounts extends JpaRepository<FencedAccount, Long> {}

    /** A service as an application writes it: the fence first, then the repository. */
    static class Withdrawals {

        private final JdbcLockFence fence;
        private final Accounts accounts;

        Withdrawals(JdbcLockFence fence, Accounts accounts) {
            this.fence = fence;
            this.accounts = accounts;
        }

        @Transactional
        public void withdraw(Lease lease, long id, long amount) {
            fence.admit(lease);
            accounts.findById(id).orElseThrow().withdraw(amount);
        }

        /** Writes and flushes before the fence, to show that the refusal rolls the flushed write back. */
        @Transactional
        public void flushThenAdmit(Lease lease, long id, long amount) {
            FencedAccount account = accounts.findById(id).orElseThrow();
            account.withdraw(amount);
            accounts.saveAndFlush(account);
            fence.admit(lease);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    @EnableJpaRepositories(considerNestedRepositories = true, basePackageClasses = JpaLockFenceTest.class)
    static class JpaConfiguration {

        @Bean
        DataSource dataSource() {
            return TestDatabases.pooled(new DriverManagerDataSource(
                    "jdbc:h2:mem:fence_jpa;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000", "sa", ""));
        }

        @Bean
        LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
            LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
            factory.setDataSource(dataSource);
            factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
            factory.setPackagesToScan(FencedAccount.class.getPackageName());
            factory.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", "create-drop"));
            return factory;
        }

        @Bean
        JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
            return new JpaTransactionManager(entityManagerFactory);
        }

        @Bean
        JdbcLockFence fence(DataSource dataSource) {
            return JdbcLockFence.builder(dataSource)
                    .createTable(true)
                    .column("account", "fence_jpa_account", "id", "fence_token", Long::valueOf)
                    .build();
        }

        @Bean
        Withdrawals withdrawals(JdbcLockFence fence, Accounts accounts) {
            return new Withdrawals(fence, accounts);
        }
    }
}
