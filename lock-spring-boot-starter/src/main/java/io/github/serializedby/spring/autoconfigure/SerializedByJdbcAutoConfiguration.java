package io.github.serializedby.spring.autoconfigure;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockProvider;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import io.github.serializedby.lock.jdbc.table.JdbcLeaseTableLockProvider;
import io.github.serializedby.lock.support.WaitBounds;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Keeps locks in the application's database when {@code serialized-by.provider=jdbc}: a lease table by
 * default, or PostgreSQL advisory locks with {@code serialized-by.jdbc.mode=advisory}. Backs off when the
 * application defines its own {@link LockProvider}.
 */
@AutoConfiguration(
        before = SerializedByAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({JdbcLeaseTableLockProvider.class, DataSource.class})
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(name = "serialized-by.provider", havingValue = "jdbc")
@EnableConfigurationProperties(SerializedByJdbcProperties.class)
public final class SerializedByJdbcAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(LockProvider.class)
    LockProvider jdbcLockProvider(
            DataSource dataSource,
            SerializedByProperties properties,
            SerializedByJdbcProperties jdbc,
            ObjectProvider<LockListener> listeners,
            Environment environment,
            WaitBounds waitBounds) {
        LockListener listener = LockListener.of(listeners.orderedStream().toList());
        if (jdbc.getMode() == SerializedByJdbcProperties.Mode.ADVISORY) {
            return PostgresAdvisoryLockProvider.builder(advisoryDataSource(dataSource, jdbc, environment))
                    .maxConnections(jdbc.getMaxConnections())
                    .createTable(jdbc.isCreateTable())
                    .recheckInterval(jdbc.getRecheckInterval())
                    .listener(listener)
                    .waitBounds(waitBounds)
                    .build();
        }
        return JdbcLeaseTableLockProvider.builder(dataSource)
                .leaseTime(properties.getLeaseTime())
                .retryInterval(jdbc.getRetryInterval())
                .createTable(jdbc.isCreateTable())
                .listener(listener)
                .waitBounds(waitBounds)
                .build();
    }

    /**
     * Plain connections to the application's database, outside its pool, so that a held lock keeps no
     * pooled connection and a session whose release failed is really closed.
     */
    private static DataSource advisoryDataSource(
            DataSource dataSource, SerializedByJdbcProperties jdbc, Environment environment) {
        String url = jdbc.getUrl() != null ? jdbc.getUrl() : environment.getProperty("spring.datasource.url");
        if (url == null) {
            return dataSource;
        }
        String username =
                jdbc.getUsername() != null ? jdbc.getUsername() : environment.getProperty("spring.datasource.username");
        String password =
                jdbc.getPassword() != null ? jdbc.getPassword() : environment.getProperty("spring.datasource.password");
        DriverManagerDataSource plain = new DriverManagerDataSource(url);
        if (username != null) {
            plain.setUsername(username);
        }
        if (password != null) {
            plain.setPassword(password);
        }
        return plain;
    }
}
