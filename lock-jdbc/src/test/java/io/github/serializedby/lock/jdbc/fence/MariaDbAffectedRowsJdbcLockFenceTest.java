package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** On MariaDB with {@code useAffectedRows=true}: a row left as it was counts 0 instead of 1. */
class MariaDbAffectedRowsJdbcLockFenceTest extends JdbcLockFenceTest {

    private static volatile DataSource pool;

    @Override
    DataSource dataSource() {
        if (pool == null) {
            pool = affectedRows();
        }
        return pool;
    }

    private static DataSource affectedRows() {
        DriverManagerDataSource reached = (DriverManagerDataSource) TestDatabases.mariadb();
        String url = reached.getUrl();
        DriverManagerDataSource affectedRows = new DriverManagerDataSource(
                url + (url.contains("?") ? "&" : "?") + "useAffectedRows=true",
                reached.getUsername(),
                reached.getPassword());
        return TestDatabases.pooled(affectedRows);
    }
}
