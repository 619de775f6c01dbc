package io.github.serializedby.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the database fence ({@code JdbcLockFence}), under {@code serialized-by.jdbc.fence}:
 * where fenced calls keep the newest token each resource has admitted.
 */
@ConfigurationProperties("serialized-by.jdbc.fence")
public class SerializedByJdbcFenceProperties {

    /** Name of the fence table, optionally qualified by a schema. */
    private String tableName = "serialized_by_fence";

    /** Whether to create the fence table at start-up if it is missing. */
    private boolean createTable = false;

    /**
     * Lock names whose tokens are kept in a column of the resource's own row instead of the fence table,
     * by lock name.
     */
    private Map<String, Column> columns = new LinkedHashMap<>();

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public Map<String, Column> getColumns() {
        return columns;
    }

    public void setColumns(Map<String, Column> columns) {
        this.columns = columns;
    }

    /** A token column on the resource's own row, whose id is the lock key. */
    public static class Column {

        /** Table of the resource's rows, optionally qualified by a schema. */
        private @Nullable String table;

        /** Column that holds the row's id, matched against the lock key. */
        private String idColumn = "id";

        /** Nullable BIGINT column that holds the newest admitted token. */
        private String tokenColumn = "fence_token";

        /** Type of the id column, to which the lock key is converted. */
        private IdType idType = IdType.TEXT;

        public @Nullable String getTable() {
            return table;
        }

        public void setTable(@Nullable String table) {
            this.table = table;
        }

        public String getIdColumn() {
            return idColumn;
        }

        public void setIdColumn(String idColumn) {
            this.idColumn = idColumn;
        }

        public String getTokenColumn() {
            return tokenColumn;
        }

        public void setTokenColumn(String tokenColumn) {
            this.tokenColumn = tokenColumn;
        }

        public IdType getIdType() {
            return idType;
        }

        public void setIdType(IdType idType) {
            this.idType = idType;
        }
    }

    /** How a lock key becomes the value of an id column. */
    public enum IdType {

        /** The key as it is (CHAR, VARCHAR, TEXT ids). */
        TEXT(key -> key),

        /** The key as a 64-bit integer (BIGINT, INT ids). */
        LONG(Long::valueOf),

        /** The key as a UUID (UUID ids). */
        UUID(java.util.UUID::fromString);

        private final Function<String, ?> fromKey;

        IdType(Function<String, ?> fromKey) {
            this.fromKey = fromKey;
        }

        /** The id whose row the lock key names. */
        Function<String, ?> fromKey() {
            return fromKey;
        }
    }
}
