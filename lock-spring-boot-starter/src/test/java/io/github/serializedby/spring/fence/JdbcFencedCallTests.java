package io.github.serializedby.spring.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.StaleFencingTokenException;
import io.github.serializedby.lock.jdbc.fence.JdbcLockFence;
import io.github.serializedby.spring.SerializedBy;
import io.github.serializedby.spring.autoconfigure.SerializedByAutoConfiguration;
import io.github.serializedby.spring.autoconfigure.SerializedByJdbcFenceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** {@code fenced = true} with lock-jdbc's auto-configured fence on H2: admitted, then refused and rolled back. */
class JdbcFencedCallTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SerializedByAutoConfiguration.class, SerializedByJdbcFenceAutoConfiguration.class))
            .withUserConfiguration(FencedTransactionTests.Database.class)
            .withPropertyValues("serialized-by.jdbc.fence.create-table=true")
            .withBean(Ledger.class);

    @Test
    void theRelationalFenceAdmitsAFencedCallAndRefusesAStaleOne() {
        runner.run(context -> {
            assertThat(context).getBean(LockFence.class).isInstanceOf(JdbcLockFence.class);
            Ledger ledger = context.getBean(Ledger.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

            ledger.book("a", 5);
            assertThat(jdbc.queryForObject("select count(*) from entry", Integer.class))
                    .isEqualTo(1);

            jdbc.update("update serialized_by_fence set token = ?", Long.MAX_VALUE);
            assertThatThrownBy(() -> ledger.book("a", 7)).isInstanceOf(StaleFencingTokenException.class);
            assertThat(jdbc.queryForObject("select count(*) from entry", Integer.class))
                    .isEqualTo(1);
        });
    }

    static class Ledger {

        private final JdbcTemplate jdbc;

        Ledger(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @SerializedBy(value = "#account", name = "ledger", fenced = true)
        @Transactional
        public void book(String account, int amount) {
            jdbc.update("insert into entry values (?, ?)", account, amount);
        }
    }
}
