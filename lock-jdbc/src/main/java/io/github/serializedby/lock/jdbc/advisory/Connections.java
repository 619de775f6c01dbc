package io.github.serializedby.lock.jdbc.advisory;

import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/** Ends the provider's own sessions. */
final class Connections {

    private Connections() {}

    /** Closes at once, without waiting for the server: the session, and any lock it holds, ends. */
    static void discard(@Nullable Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // closed below, or already gone
        }
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // the session is gone either way
        }
    }
}
