package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.jdbc.TestDatabases;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class H2JdbcLockFenceTest extends JdbcLockFenceTest {

    /** H2 waits 30 s for a row lock here (1 s by default), so a blocked holder waits as on the servers. */
    static final DataSource H2 = TestDatabases.pooled(
            new DriverManagerDataSource("jdbc:h2:mem:fence;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000", "sa", ""));

    @Override
    DataSource dataSource() {
        return H2;
    }
}
