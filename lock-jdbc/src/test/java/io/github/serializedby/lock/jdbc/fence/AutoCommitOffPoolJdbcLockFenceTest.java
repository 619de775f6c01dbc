package io.github.serializedby.lock.jdbc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The fence on a pool that hands out connections with auto-commit off (as {@code
 * spring.datasource.hikari.auto-commit=false} does), on PostgreSQL, whose DDL is transactional: a
 * connection that is not the transaction's can no longer pass for it, and the fence table is created
 * for good.
 */
class AutoCommitOffPoolJdbcLockFenceTest {

    private static final String TABLE = "fence_auto_commit_off_tokens";

    private HikariDataSource pool;
    private TransactionTemplate transactions;

    @BeforeEach
    void setUp() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(TestDatabases.postgres());
        config.setAutoCommit(false);
        config.setMaximumPoolSize(4);
        config.setPoolName("auto-commit-off");
        pool = new HikariDataSource(config);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        transactions.executeWithoutResult(status -> new JdbcTemplate(pool).execute("drop table if exists " + TABLE));
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void aTransactionOnAnotherDataSourceIsRefusedAndLeavesNoAdmissionToLose() {
        JdbcLockFence fence =
                JdbcLockFence.builder(pool).tableName(TABLE).createTable(true).build();
        TransactionTemplate elsewhere =
                new TransactionTemplate(new DataSourceTransactionManager(new DelegatingDataSource(pool)));
        long id = JdbcLockFenceTest.newId();

        assertThatThrownBy(
                        () -> elsewhere.executeWithoutResult(status -> fence.admit(FencedLease.of("transfer", id, 10))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on this DataSource");

        transactions.executeWithoutResult(status -> fence.admit(FencedLease.of("transfer", id, 10)));
        assertThatThrownBy(() ->
                        transactions.executeWithoutResult(status -> fence.admit(FencedLease.of("transfer", id, 5))))
                .isInstanceOf(StaleFencingTokenException.class);
    }

    @Test
    void createTableCommitsTheTable() {
        JdbcLockFence.builder(pool).tableName(TABLE).createTable(true).build();

        Integer rows = transactions.execute(
                status -> new JdbcTemplate(pool).queryForObject("select count(*) from " + TABLE, Integer.class));
        assertThat(rows).isZero();
    }
}
