package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.jdbc.TestDatabases;
import javax.sql.DataSource;

class PostgresJdbcLockFenceTest extends JdbcLockFenceTest {

    @Override
    DataSource dataSource() {
        return TestDatabases.pooled(TestDatabases.postgres());
    }
}
