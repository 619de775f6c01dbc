package io.github.serializedby.idempotency.jdbc;

import io.github.serializedby.idempotency.IdempotencyStore;
import io.github.serializedby.idempotency.StoredResponse;
import io.github.serializedby.idempotency.StoredResponseCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stored responses for idempotency keys in the application's database (PostgreSQL, MariaDB/MySQL, H2),
 * shared by every instance: one row per key in {@code serialized_by_idempotency}, with the encoded
 * response and its expiry. Expired rows are never returned and are deleted as new responses arrive.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

    /** The table, with a key column, the encoded response and the expiry in epoch milliseconds. */
    public static final String TABLE = "serialized_by_idempotency";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    /**
     * @param dataSource the database
     * @param clock the time that decides expiry
     * @param createTable whether to create the table when it is missing
     */
    public JdbcIdempotencyStore(DataSource dataSource, Clock clock, boolean createTable) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        if (createTable) {
            jdbc.execute(createTableStatement(dataSource));
        }
    }

    @Override
    public Optional<StoredResponse> find(String key) {
        List<byte[]> rows = jdbc.query(
                "SELECT response FROM " + TABLE + " WHERE idempotency_key = ? AND expires_at > ?",
                (row, index) -> row.getBytes(1),
                key,
                clock.millis());
        return rows.stream().findFirst().map(StoredResponseCodec::decode);
    }

    @Override
    public void save(String key, StoredResponse response) {
        byte[] encoded = StoredResponseCodec.encode(response);
        transactions.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM " + TABLE + " WHERE idempotency_key = ? OR expires_at <= ?", key, clock.millis());
            jdbc.update(
                    "INSERT INTO " + TABLE + " (idempotency_key, response, expires_at) VALUES (?, ?, ?)",
                    key,
                    encoded,
                    response.expiresAt().toEpochMilli());
        });
    }

    private static String createTableStatement(DataSource dataSource) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot tell which database holds " + TABLE, e);
        }
        String binary = product.contains("postgres") ? "BYTEA" : product.contains("h2") ? "VARBINARY" : "LONGBLOB";
        return "CREATE TABLE IF NOT EXISTS " + TABLE + " (idempotency_key VARCHAR(512) NOT NULL PRIMARY KEY, response "
                + binary + " NOT NULL, expires_at BIGINT NOT NULL)";
    }
}
