package io.github.serializedby.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.fence.JdbcLockFence;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

class SerializedByJdbcFenceAutoConfigurationTests {

    private static final DataSource H2 =
            new DriverManagerDataSource("jdbc:h2:mem:fence_auto;DB_CLOSE_DELAY=-1", "sa", "");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SerializedByJdbcFenceAutoConfiguration.class));

    @Test
    void withADataSourceAJdbcFenceGuardsTheApplicationsTransactions() {
        runner.withBean(DataSource.class, () -> H2)
                .withPropertyValues(
                        "serialized-by.jdbc.fence.create-table=true", "serialized-by.jdbc.fence.table-name=fence_auto")
                .run(context -> {
                    assertThat(context).hasSingleBean(JdbcLockFence.class);
                    admit(context, "transfer", "1", 4);
                    assertThatThrownBy(() -> admit(context, "transfer", "1", 3))
                            .isInstanceOf(StaleFencingTokenException.class);
                    assertThat(new JdbcTemplate(H2).queryForObject("select token from fence_auto", Long.class))
                            .isEqualTo(4);
                });
    }

    @Test
    void aLockNamesColumnIsBoundWithItsIdType() {
        new JdbcTemplate(H2)
                .execute("create table if not exists fence_auto_account (id bigint primary key, fence_token bigint)");
        new JdbcTemplate(H2).update("merge into fence_auto_account key (id) values (7, 9)");
        runner.withBean(DataSource.class, () -> H2)
                .withPropertyValues(
                        "serialized-by.jdbc.fence.columns.account.table=fence_auto_account",
                        "serialized-by.jdbc.fence.columns.account.id-type=long")
                .run(context -> {
                    admit(context, "account", "7", 9);
                    assertThatThrownBy(() -> admit(context, "account", "7", 8))
                            .isInstanceOfSatisfying(
                                    StaleFencingTokenException.class,
                                    e -> assertThat(e.storedToken()).isEqualTo(9));
                });
    }

    @Test
    void aColumnWithoutItsTableFailsStartUpNamingTheProperty() {
        runner.withBean(DataSource.class, () -> H2)
                .withPropertyValues("serialized-by.jdbc.fence.columns.account.token-column=version_token")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("serialized-by.jdbc.fence.columns.account.table"));
    }

    @Test
    void anIdentifierThatIsNotAPlainNameFailsStartUp() {
        runner.withBean(DataSource.class, () -> H2)
                .withPropertyValues("serialized-by.jdbc.fence.table-name=fence; drop table account")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("plain SQL name"));
    }

    @Test
    void withoutCreateTableStartUpNeverTouchesTheDatabase() {
        runner.withBean(DataSource.class, Unreachable::new)
                .run(context -> assertThat(context).hasSingleBean(LockFence.class));
    }

    @Test
    void whenTheApplicationDefinesAFenceAutoConfigurationBacksOff() {
        LockFence own = lease -> {};
        runner.withBean(DataSource.class, () -> H2)
                .withBean(LockFence.class, () -> own)
                .run(context -> assertThat(context.getBean(LockFence.class)).isSameAs(own));
    }

    @Test
    void withoutADataSourceThereIsNoFence() {
        runner.run(context -> assertThat(context).doesNotHaveBean(LockFence.class));
    }

    @Test
    void withoutLockJdbcThereIsNoFence() {
        runner.withBean(DataSource.class, () -> H2)
                .withClassLoader(new FilteredClassLoader(JdbcLockFence.class))
                .run(context -> assertThat(context).doesNotHaveBean(LockFence.class));
    }

    private static void admit(AssertableApplicationContext context, String name, String key, long token) {
        LockFence fence = context.getBean(LockFence.class);
        new TransactionTemplate(new DataSourceTransactionManager(H2))
                .executeWithoutResult(status -> fence.admit(new TokenLease(LockRequest.exclusive(name, key), token)));
    }

    private record TokenLease(LockRequest request, long fencingToken) implements Lease {

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public void release() {}
    }

    private static final class Unreachable extends AbstractDataSource {

        @Override
        public java.sql.Connection getConnection() throws SQLException {
            throw new SQLException("not reachable");
        }

        @Override
        public java.sql.Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("not reachable");
        }
    }
}
