package io.github.serializedby.lock.jdbc.fence;

import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.LockIds;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where the tokens of one lock's resources are kept, and the two statements on them: the guard, which
 * raises the token and locks the row when the caller's is not older, and the read of the stored token,
 * which runs only when the guard's update count does not show a pass.
 */
abstract sealed class FenceTarget {

    /** A plain SQL name, or a schema and a name: never quoted, so never anything but these characters. */
    private static final Pattern IDENTIFIER =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    abstract String guard(FenceDialect dialect);

    abstract Object[] guardArguments(LockRequest request, long token);

    /** The update count at or above which the guard has admitted the caller. */
    abstract int passCount(FenceDialect dialect);

    /** Reads the stored token, locking the row; no row, or a null token, when none is stored. */
    abstract String read();

    abstract Object readArgument(LockRequest request);

    /** What a message names: the table, and the column when it is the user's. */
    abstract String describe();

    /** {@code name} if it is a plain SQL name or {@code schema.name}; refuses anything else. */
    static String identifier(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain SQL name (letters, digits, _), optionally"
                    + " qualified by a schema, not '" + name + "'");
        }
        return name;
    }

    /** One row per lock id in a table of the fence's own. */
    static final class Table extends FenceTarget {

        private final String table;

        Table(String table) {
            this.table = identifier(table, "tableName");
        }

        String table() {
            return table;
        }

        @Override
        String guard(FenceDialect dialect) {
            return dialect.tableGuard(table);
        }

        @Override
        Object[] guardArguments(LockRequest request, long token) {
            return new Object[] {LockIds.of(request), token, request.name(), request.key()};
        }

        @Override
        int passCount(FenceDialect dialect) {
            return dialect.tablePassCount;
        }

        @Override
        String read() {
            return "select token from " + table + " where lock_id = ? for update";
        }

        @Override
        Object readArgument(LockRequest request) {
            return LockIds.of(request);
        }

        @Override
        String describe() {
            return "fence table " + table;
        }
    }

    /** A token column on the resource's own row, found by the lock key. */
    static final class Column extends FenceTarget {

        private final String table;
        private final String idColumn;
        private final String tokenColumn;
        private final Function<String, ?> idOfKey;

        Column(String table, String idColumn, String tokenColumn, Function<String, ?> idOfKey) {
            this.table = identifier(table, "table");
            this.idColumn = identifier(idColumn, "idColumn");
            this.tokenColumn = identifier(tokenColumn, "tokenColumn");
            this.idOfKey = Objects.requireNonNull(idOfKey, "idOfKey");
        }

        @Override
        String guard(FenceDialect dialect) {
            return "update " + table + " set " + tokenColumn + " = ? where " + idColumn + " = ? and (" + tokenColumn
                    + " is null or " + tokenColumn + " <= ?)";
        }

        @Override
        Object[] guardArguments(LockRequest request, long token) {
            return new Object[] {token, readArgument(request), token};
        }

        /** The row matched counts 1, also when the token was already the caller's, except on MariaDB. */
        @Override
        int passCount(FenceDialect dialect) {
            return 1;
        }

        @Override
        String read() {
            return "select " + tokenColumn + " from " + table + " where " + idColumn + " = ? for update";
        }

        @Override
        Object readArgument(LockRequest request) {
            Object id = idOfKey.apply(request.key());
            return Objects.requireNonNull(id, () -> "no id for key '" + request.key() + "' of lock " + request.name());
        }

        @Override
        String describe() {
            return "column " + table + "." + tokenColumn;
        }
    }
}
