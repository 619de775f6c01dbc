package io.github.serializedby.lock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
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
