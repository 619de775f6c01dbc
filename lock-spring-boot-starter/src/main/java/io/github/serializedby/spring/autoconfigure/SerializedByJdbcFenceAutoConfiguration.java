package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockFence;
import io.github.serializedby.lock.jdbc.fence.JdbcLockFence;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link LockFence} in the application's database when lock-jdbc is on the class path, whatever
 * provider keeps the locks: fenced calls run its guard in their transaction. It touches the database
 * only when a fenced call runs, or at start-up with {@code serialized-by.jdbc.fence.create-table=true}.
 * Backs off when the application defines its own {@link LockFence}.
 */
@AutoConfiguration(
        before = SerializedByAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({JdbcLockFence.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(SerializedByJdbcFenceProperties.class)
public final class SerializedByJdbcFenceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockFence.class)
    JdbcLockFence jdbcLockFence(DataSource dataSource, SerializedByJdbcFenceProperties properties) {
        JdbcLockFence.Builder fence = JdbcLockFence.builder(dataSource)
                .tableName(properties.getTableName())
                .createTable(properties.isCreateTable());
        for (Map.Entry<String, SerializedByJdbcFenceProperties.Column> entry :
                properties.getColumns().entrySet()) {
            SerializedByJdbcFenceProperties.Column column = entry.getValue();
            String table = column.getTable();
            if (table == null) {
                throw new IllegalStateException(
                        "serialized-by.jdbc.fence.columns." + entry.getKey() + ".table is not set: name the table"
                                + " whose rows keep the tokens of lock '" + entry.getKey() + "'");
            }
            fence.column(
                    entry.getKey(),
                    table,
                    column.getIdColumn(),
                    column.getTokenColumn(),
                    column.getIdType().fromKey());
        }
        return fence.build();
    }
}
