package io.github.serializedby.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The databases whose SQL the JDBC lock stores speak, told from a connection's metadata. */
public enum Database {
    POSTGRESQL,
    /** MariaDB, and MySQL, which speaks the same SQL here. */
    MARIADB,
    H2;

    /**
     * The database {@code connection} talks to.
     *
     * @param user what needs to know, named in the error when the database is none of these
     * @throws IllegalStateException when it is another database
     */
    public static Database of(Connection connection, String user) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("mariadb") || product.contains("mysql")) {
            return MARIADB;
        }
        if (product.contains("h2")) {
            return H2;
        }
        throw new IllegalStateException(user + " supports PostgreSQL, MariaDB/MySQL and H2, not " + product);
    }
}
