package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.jdbc.TestDatabases;
import javax.sql.DataSource;

/** On MariaDB with the driver's default update counts (found rows, not affected rows). */
class MariaDbJdbcLockFenceTest extends JdbcLockFenceTest {

    @Override
    DataSource dataSource() {
        return TestDatabases.pooled(TestDatabases.mariadb());
    }
}
