package io.github.serializedby.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** A data source that can be made unreachable, as a database behind a broken network would be. */
final class SwitchableDataSource extends DelegatingDataSource {

    private volatile boolean down;

    SwitchableDataSource(DataSource target) {
        super(target);
    }

    void down() {
        down = true;
    }

    void up() {
        down = false;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new SQLException("Connection refused (test switch)", "08001");
        }
        return super.getConnection();
    }
}
