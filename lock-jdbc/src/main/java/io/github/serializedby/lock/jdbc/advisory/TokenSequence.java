package io.github.serializedby.lock.jdbc.advisory;

import io.github.serializedby.lock.jdbc.TokenBlocks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL sequence the advisory provider takes fencing tokens from: one {@code nextval} per lock,
 * in the statement that takes it, gives the block of {@link TokenBlocks#SHARED} tokens ending at the
 * value returned (the sequence's increment is the block size).
 *
 * <p>{@code nextval} writes the sequence to the WAL only every 32 values, a session may be given a
 * value whose log record another session is still flushing, and lock sessions commit without waiting
 * for the flush (PostgreSQL flushes such commits within three {@code wal_writer_delay}s, 600 ms by
 * default): a crash can lose the sequence's last moves, and hand out their values again. The unlogged
 * table {@code serialized_by_fence_advanced}, emptied by crash recovery and on a promoted standby,
 * guards against that: before its first lock each session checks its row, and when it is missing moves
 * the sequence, in a commit that waits for the flush, past every value a crash can have lost, then
 * writes the row. A crash ends every session, so a session that saw the row saw it after the last
 * crash.
 */
final class TokenSequence {

    static final String NAME = "serialized_by_fence_token";

    /**
     * How far a recovered sequence is moved ahead: 2^32 blocks, four billion locks, far more than a
     * server takes in the moments a crash can lose (32 values for each of at most 2^18 sessions, and
     * the commits of the last flush interval). Tokens still last for two million crashes.
     */
    static final long CRASH_MARGIN = TokenBlocks.SHARED << 32;

    private static final String ADVANCED = "select exists (select 1 from serialized_by_fence_advanced)";
    private static final String ADVANCE = """
            with moved as (select setval('%1$s', nextval('%1$s') + ?))
            insert into serialized_by_fence_advanced (id) select 1 from moved on conflict (id) do nothing""".formatted(NAME);
    private static final String SETTINGS =
            "select seqincrement, seqcache from pg_sequence where seqrelid = cast('" + NAME + "' as regclass)";

    private TokenSequence() {}

    /** The statement that takes a lock with {@code lockFunction(bigint)} and, if taken, a block of tokens. */
    static String lockStatement(String lockFunction) {
        return "select case when " + lockFunction + "(?) then nextval('" + NAME + "') end";
    }

    /**
     * Readies a new lock session: moves the sequence past what a crash can have lost, unless a session did
     * since the last crash, then lets the session's commits return before their WAL is flushed (what its
     * lock statements write is the sequence, which that move repairs).
     */
    static void prepareSession(Connection connection) throws SQLException {
        advanceAfterCrash(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute("set synchronous_commit = off");
        }
    }

    private static void advanceAfterCrash(Connection connection) throws SQLException {
        try (PreparedStatement check = connection.prepareStatement(ADVANCED);
                ResultSet result = check.executeQuery()) {
            if (result.next() && result.getBoolean(1)) {
                return;
            }
        }
        try (PreparedStatement advance = connection.prepareStatement(ADVANCE)) {
            advance.setLong(1, CRASH_MARGIN);
            advance.executeUpdate();
        }
    }

    /**
     * Checks that the sequence exists, counts in blocks of {@link TokenBlocks#SHARED}, and caches no values:
     * with {@code CACHE n}, each session reserves n values at once and hands them out alone, so a later
     * lock taken on another session can get a smaller token.
     *
     * @throws SQLException with SQL state {@code 42P01} when the sequence or the guard table is missing
     */
    static void verify(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SETTINGS);
                ResultSet result = statement.executeQuery()) {
            boolean found = result.next();
            long increment = found ? result.getLong(1) : 0;
            long cache = found ? result.getLong(2) : 0;
            if (increment != TokenBlocks.SHARED) {
                throw new IllegalStateException(
                        "Sequence " + NAME + " must have INCREMENT BY " + TokenBlocks.SHARED + ", not " + increment);
            }
            if (cache != 1) {
                throw new IllegalStateException("Sequence " + NAME + " has CACHE " + cache
                        + ": each session hands out its own cached values, so fencing tokens would not grow across"
                        + " sessions. Run ALTER SEQUENCE " + NAME + " CACHE 1");
            }
        }
        try (PreparedStatement statement =
                        connection.prepareStatement("select id from serialized_by_fence_advanced where false");
                ResultSet result = statement.executeQuery()) {
            result.next();
        }
    }
}
