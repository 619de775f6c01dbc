package io.github.serializedby.lock.jdbc.advisory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.SessionSettingDataSource;
import io.github.serializedby.lock.jdbc.TestDatabases;
import io.github.serializedby.lock.jdbc.TokenBlocks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The advisory provider's fencing tokens, drawn from one sequence, and their guard against crashes. */
class PostgresTokenSequenceTest {

    private final String name = "tokens." + UUID.randomUUID();

    @BeforeAll
    static void requirePostgres() {
        TestDatabases.postgres();
    }

    @Test
    void exclusiveHoldsTakeWholeBlocksSoLaterTokensOfAnyKeyAreLarger() {
        try (PostgresAdvisoryLockProvider provider = provider()) {
            long first = takeAndRelease(provider, LockRequest.exclusive(name, "a"));
            long second = takeAndRelease(provider, LockRequest.exclusive(name, "b"));
            long third = takeAndRelease(provider, LockRequest.shared(name, "a"));

            assertThat(second - first).isGreaterThanOrEqualTo(TokenBlocks.SHARED);
            assertThat(third).isGreaterThan(second);
        }
    }

    @Test
    void aSessionAfterACrashMovesTheSequencePastWhatTheCrashCanHaveLost() throws SQLException {
        long before;
        try (PostgresAdvisoryLockProvider provider = provider()) {
            before = takeAndRelease(provider, LockRequest.exclusive(name, "k"));
        }

        emptyTheGuardTableAsCrashRecoveryDoes();

        try (PostgresAdvisoryLockProvider provider = provider()) {
            long after = takeAndRelease(provider, LockRequest.exclusive(name, "k"));
            long next = takeAndRelease(provider, LockRequest.exclusive(name, "k"));

            assertThat(after).isGreaterThan(before + TokenSequence.CRASH_MARGIN);
            assertThat(next - after).as("moved once, not per lock").isLessThan(TokenSequence.CRASH_MARGIN);
        }
    }

    @Test
    void aSequenceThatCachesValuesPerSessionIsRefusedAtStartUp() throws SQLException {
        String schema = "sb_cached_tokens_" + UUID.randomUUID().toString().replace("-", "");
        execute("create schema " + schema);
        try {
            execute("create sequence " + schema + ".serialized_by_fence_token as bigint increment by 1024"
                    + " minvalue 1024 start with 1024 cache 20");
            execute("create unlogged table " + schema + ".serialized_by_fence_advanced (id int primary key)");
            SessionSettingDataSource inSchema =
                    new SessionSettingDataSource(TestDatabases.postgres(), "set search_path to " + schema);

            assertThatThrownBy(() -> PostgresAdvisoryLockProvider.builder(inSchema)
                            .createTable(true)
                            .build()
                            .close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serialized_by_fence_token")
                    .hasMessageContaining("CACHE 20")
                    .hasMessageContaining("ALTER SEQUENCE serialized_by_fence_token CACHE 1");
        } finally {
            execute("drop schema " + schema + " cascade");
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = TestDatabases.postgres().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long takeAndRelease(PostgresAdvisoryLockProvider provider, LockRequest request) {
        try (Lease lease = provider.tryAcquire(request).orElseThrow()) {
            return lease.fencingToken();
        }
    }

    private static PostgresAdvisoryLockProvider provider() {
        return PostgresAdvisoryLockProvider.builder(TestDatabases.postgres())
                .createTable(true)
                .build();
    }

    private static void emptyTheGuardTableAsCrashRecoveryDoes() throws SQLException {
        try (Connection connection = TestDatabases.postgres().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("delete from serialized_by_fence_advanced");
        }
    }
}
