package io.github.serializedby.lock.jdbc.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.StaleFencingTokenException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What {@link JdbcLockFence} does in one transaction at a time, in both modes (its own table, a column of
 * the user's row), on each database: the first admission, newer, equal and older tokens, and what the
 * transaction keeps when it is refused. Each database's test extends this and names its data source.
 */
abstract class JdbcLockFenceTest {

    static final String TABLE = "fence_test_tokens";
    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 100);

    DataSource dataSource;
    JdbcTemplate jdbc;
    TransactionTemplate transactions;
    JdbcLockFence fence;

    /** A pooled data source on the database under test; may abort the class when it is not reachable. */
    abstract DataSource dataSource();

    @BeforeEach
    void setUp() {
        dataSource = dataSource();
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        FenceTables.createAccounts(jdbc);
        fence = JdbcLockFence.builder(dataSource)
                .tableName(TABLE)
                .createTable(true)
                .column("account", FenceTables.ACCOUNTS, "id", "fence_token", Long::valueOf)
                .build();
    }

    static long newId() {
        return IDS.incrementAndGet();
    }

    void admit(String lock, long id, long token) {
        transactions.executeWithoutResult(status -> fence.admit(FencedLease.of(lock, id, token)));
    }

    Long tableToken(String lock, long id) {
        return jdbc.queryForObject(
                "select token from " + TABLE + " where lock_id = ?",
                Long.class,
                io.github.serializedby.lock.jdbc.LockIds.of(LockRequest.exclusive(lock, String.valueOf(id))));
    }

    Long columnToken(long id) {
        return jdbc.queryForObject("select fence_token from " + FenceTables.ACCOUNTS + " where id = ?", Long.class, id);
    }

    @Test
    void theFirstAdmissionInsertsTheResourcesRow() {
        long id = newId();
        admit("transfer", id, 5);
        assertThat(tableToken("transfer", id)).isEqualTo(5);
        assertThat(jdbc.queryForObject(
                        "select concat(lock_name, '/', lock_key) from " + TABLE + " where token = 5 and lock_key = ?",
                        String.class,
                        String.valueOf(id)))
                .isEqualTo("transfer/" + id);
    }

    @Test
    void aNewerTokenPassesAndRaisesTheStoredOne() {
        long id = newId();
        admit("transfer", id, 5);
        admit("transfer", id, 9);
        assertThat(tableToken("transfer", id)).isEqualTo(9);
    }

    @Test
    void theSameTokenPassesAgain() {
        long id = newId();
        admit("transfer", id, 5);
        admit("transfer", id, 5);
        assertThat(tableToken("transfer", id)).isEqualTo(5);
    }

    @Test
    void anOlderTokenIsRefusedAndTheTransactionsWritesRollBack() {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, null);
        admit("transfer", id, 9);
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    jdbc.update("update " + FenceTables.ACCOUNTS + " set balance = 0 where id = ?", id);
                    fence.admit(FencedLease.of("transfer", id, 5));
                }))
                .isInstanceOfSatisfying(StaleFencingTokenException.class, e -> {
                    assertThat(e.token()).isEqualTo(5);
                    assertThat(e.storedToken()).isEqualTo(9);
                    assertThat(e.lockName()).isEqualTo("transfer");
                });
        assertThat(FenceTables.balance(jdbc, id)).isEqualTo(100);
        assertThat(tableToken("transfer", id)).isEqualTo(9);
    }

    @Test
    void theFirstAdmissionToAnOwnRowSetsItsColumn() {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, null);
        admit("account", id, 5);
        assertThat(columnToken(id)).isEqualTo(5);
    }

    @Test
    void anOwnRowTakesNewerAndEqualTokens() {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, 5L);
        admit("account", id, 5);
        assertThat(columnToken(id)).isEqualTo(5);
        admit("account", id, 8);
        assertThat(columnToken(id)).isEqualTo(8);
    }

    @Test
    void anOwnRowRefusesAnOlderTokenAndTheTransactionsWritesRollBack() {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, 9L);
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    jdbc.update("update " + FenceTables.ACCOUNTS + " set balance = 0 where id = ?", id);
                    fence.admit(FencedLease.of("account", id, 5));
                }))
                .isInstanceOfSatisfying(
                        StaleFencingTokenException.class,
                        e -> assertThat(e.storedToken()).isEqualTo(9));
        assertThat(FenceTables.balance(jdbc, id)).isEqualTo(100);
        assertThat(columnToken(id)).isEqualTo(9);
    }

    @Test
    void aMissingOwnRowIsRefused() {
        long id = newId();
        assertThatThrownBy(() -> admit("account", id, 5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("found no row with id '" + id + "'");
    }

    @Test
    void outsideATransactionTheFenceRefusesToRun() {
        assertThatThrownBy(() -> fence.admit(FencedLease.of("transfer", newId(), 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none is active");
    }

    @Test
    void aTransactionOnAnotherDataSourceIsNotTakenForTheFences() {
        TransactionTemplate elsewhere =
                new TransactionTemplate(new DataSourceTransactionManager(new DelegatingDataSource(dataSource)));
        assertThatThrownBy(() ->
                        elsewhere.executeWithoutResult(status -> fence.admit(FencedLease.of("transfer", newId(), 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on this DataSource");
    }

    @Test
    void aSharedLeaseIsRefused() {
        assertThatThrownBy(() -> transactions.executeWithoutResult(
                        status -> fence.admit(new FencedLease(LockRequest.shared("transfer", "1"), 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingTableIsNamedWithItsSchemaFile() {
        JdbcLockFence noTable =
                JdbcLockFence.builder(dataSource).tableName("fence_nowhere").build();
        assertThatThrownBy(() -> transactions.executeWithoutResult(
                        status -> noTable.admit(FencedLease.of("transfer", newId(), 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fence table fence_nowhere")
                .hasMessageContaining("schema-fence-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"transfer", "account"})
    void aStaleHolderArrivingLaterWaitsForTheNewerTransactionAndIsRefused(String lock) throws Exception {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, null);
        CountDownLatch newerWrote = new CountDownLatch(1);
        CountDownLatch commitNewer = new CountDownLatch(1);
        AtomicBoolean newerCommitting = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> newer = threads.submit(() -> transactions.executeWithoutResult(status -> {
                fence.admit(FencedLease.of(lock, id, 2));
                withdraw(id, 30);
                newerWrote.countDown();
                await(commitNewer);
                newerCommitting.set(true);
            }));
            await(newerWrote);
            Future<Boolean> stale = threads.submit(() -> {
                try {
                    transactions.executeWithoutResult(status -> {
                        fence.admit(FencedLease.of(lock, id, 1));
                        withdraw(id, 50);
                    });
                    return false;
                } catch (StaleFencingTokenException e) {
                    return newerCommitting.get();
                }
            });
            assertThatThrownBy(() -> stale.get(500, TimeUnit.MILLISECONDS))
                    .as("the stale holder waits for the newer transaction's row lock")
                    .isInstanceOf(TimeoutException.class);
            commitNewer.countDown();
            newer.get(30, TimeUnit.SECONDS);
            assertThat(stale.get(30, TimeUnit.SECONDS))
                    .as("refused, once the newer transaction was committing")
                    .isTrue();
            assertThat(FenceTables.balance(jdbc, id)).isEqualTo(70);
        } finally {
            commitNewer.countDown();
            threads.shutdownNow();
        }
    }

    /**
     * The fault harness's case: the older holder is paused between its write and its commit. Guarded
     * before its read, the next holder waits for that commit and reads the older holder's write.
     */
    @ParameterizedTest
    @ValueSource(strings = {"transfer", "account"})
    void theNextHolderWaitsForAPausedWriteAndReadsIt(String lock) throws Exception {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, null);
        assertThat(twoWithdrawals(
                        id,
                        () -> fence.admit(FencedLease.of(lock, id, 1)),
                        () -> fence.admit(FencedLease.of(lock, id, 2)),
                        1,
                        2))
                .isEqualTo(20);
    }

    /**
     * The control, which shows the scenario can fail: with the guard only on the write, the next holder
     * reads the old balance while the paused write is uncommitted, and one withdrawal is lost.
     */
    @Test
    void aGuardOnlyOnTheWriteLosesAnUpdate() throws Exception {
        long id = newId();
        FenceTables.insertAccount(jdbc, id, 100, null);
        assertThat(twoWithdrawals(id, () -> {}, () -> {}, 1, 2))
                .as("50 and 30 taken from 100, yet only the 30 is seen")
                .isEqualTo(70);
    }

    /**
     * The paused holder (token {@code older}) withdraws 50 and waits before committing; meanwhile the
     * next (token {@code newer}) withdraws 30, given 500 ms to read before the paused one commits. Each
     * write is guarded by its token; {@code guards} run first in each transaction. Returns the balance.
     */
    private long twoWithdrawals(long id, Runnable olderGuard, Runnable newerGuard, long older, long newer)
            throws Exception {
        CountDownLatch olderWrote = new CountDownLatch(1);
        CountDownLatch commitOlder = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> paused = threads.submit(() -> transactions.executeWithoutResult(status -> {
                olderGuard.run();
                guardedWithdraw(id, 50, older);
                olderWrote.countDown();
                await(commitOlder);
            }));
            await(olderWrote);
            Future<?> next = threads.submit(() -> transactions.executeWithoutResult(status -> {
                newerGuard.run();
                guardedWithdraw(id, 30, newer);
            }));
            try {
                next.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException waiting) {
                // the next holder waits for a row lock
            }
            commitOlder.countDown();
            paused.get(30, TimeUnit.SECONDS);
            next.get(30, TimeUnit.SECONDS);
            return FenceTables.balance(jdbc, id);
        } finally {
            commitOlder.countDown();
            threads.shutdownNow();
        }
    }

    private void withdraw(long id, long amount) {
        long balance = FenceTables.balance(jdbc, id);
        jdbc.update("update " + FenceTables.ACCOUNTS + " set balance = ? where id = ?", balance - amount, id);
    }

    /** Reads, then writes only if no newer token wrote: the write-only guard that loses an update. */
    private void guardedWithdraw(long id, long amount, long token) {
        long balance = FenceTables.balance(jdbc, id);
        jdbc.update(
                "update " + FenceTables.ACCOUNTS + " set balance = ?, fence_token = ? where id = ?"
                        + " and (fence_token is null or fence_token <= ?)",
                balance - amount,
                token,
                id,
                token);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("a latch was not released in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
