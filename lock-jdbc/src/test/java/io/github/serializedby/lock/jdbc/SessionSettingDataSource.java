package io.github.serializedby.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** A data source whose every connection first runs one statement, as a pool's connection-init SQL does. */
public final class SessionSettingDataSource extends DelegatingDataSource {

    private final String sessionStatement;

    public SessionSettingDataSource(DataSource target, String sessionStatement) {
        super(target);
        this.sessionStatement = sessionStatement;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = super.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute(sessionStatement);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
