package io.github.serializedby.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.demo.DemoClient.Answer;
import io.github.serializedby.demo.GatedSlowWork.Gate;
import io.github.serializedby.demo.SlowWork.Step;
import io.github.serializedby.demo.account.AccountRepository;
import io.github.serializedby.demo.account.AccountService;
import io.github.serializedby.demo.account.Withdrawal;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.SerializedBy;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.annotation.Transactional;

/**
 * A withdrawal whose holder is paused past its lease, as a long GC pause or a stopped process pauses it:
 * its lock passes to a withdrawal in another instance of the demo, and then it wakes up. The two instances
 * share the H2 database and keep their locks in its lease table with a 2 s lease; the pause stops the
 * first instance's renewals as well, as a stopped process would. (Within one instance a paused caller is
 * not overtaken: the provider's waiting room keeps the key for it until it releases.) The holder pauses
 * once it has the lock and before its transaction begins, so before the fence. The demo's fenced withdraw
 * answers the late holder 409 and the balance keeps one withdrawal; the controls take the same steps
 * without {@code fenced} and show what the fence prevents.
 */
@TestPropertySource(
        properties = {
            FencedWithdrawTests.PROVIDER,
            FencedWithdrawTests.LEASE_TABLE,
            FencedWithdrawTests.CREATE_TABLE,
            FencedWithdrawTests.LEASE_TIME,
            FencedWithdrawTests.DATABASE
        })
@Import({GatedSlowWork.Config.class, FencedWithdrawTests.Config.class})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FencedWithdrawTests extends LockedDemoTest {

    static final String PROVIDER = "serialized-by.provider=jdbc";
    static final String LEASE_TABLE = "serialized-by.jdbc.mode=lease-table";
    static final String CREATE_TABLE = "serialized-by.jdbc.create-table=true";
    static final String LEASE_TIME = "serialized-by.lease-time=2s";
    // one in-memory database for both instances; generous row-lock waits, so that a busy machine never
    // fails a writer that waits for another
    static final String DATABASE =
            "spring.datasource.url=jdbc:h2:mem:fenced-withdrawals;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=15000";

    private static final long WAIT_SECONDS = 30;

    /** The other instance, started once the first has created the schema; stopped after the last test. */
    private static @Nullable ConfigurableApplicationContext other;

    private static final String STALE_TOKEN = "urn:serialized-by:problem:stale-fencing-token";

    @Autowired
    HolderPause pause;

    @Autowired
    UnfencedWithdrawals unfenced;

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private AccountService otherAccounts;
    private GatedSlowWork otherSlowWork;
    private UnfencedWithdrawals otherUnfenced;

    @BeforeEach
    void otherInstance() {
        ConfigurableApplicationContext started = other;
        if (started == null) {
            started = new SpringApplicationBuilder(DemoApplication.class, GatedSlowWork.Config.class, Config.class)
                    .profiles("test")
                    // as arguments: they override application.yml, as @TestPropertySource does
                    .run(Stream.of(
                                    PROVIDER,
                                    LEASE_TABLE,
                                    CREATE_TABLE,
                                    LEASE_TIME,
                                    DATABASE,
                                    "server.port=0",
                                    "spring.sql.init.mode=never")
                            .map(property -> "--" + property)
                            .toArray(String[]::new));
            other = started;
        }
        otherAccounts = started.getBean(AccountService.class);
        otherSlowWork = started.getBean(GatedSlowWork.class);
        otherUnfenced = started.getBean(UnfencedWithdrawals.class);
    }

    @AfterEach
    void resume() {
        pause.reset();
        otherSlowWork.disarmAll();
        threads.shutdownNow();
    }

    @AfterAll
    static void stopOtherInstance() {
        ConfigurableApplicationContext started = other;
        other = null;
        if (started != null) {
            started.close();
        }
    }

    @Test
    void aWithdrawalPausedPastItsLeaseIsAnswered409AndTheBalanceKeepsOnlyTheNextOne() {
        long account = openAccount(100);
        CompletableFuture<Answer> late = pausedPastItsLease(() -> http.send(withdrawal(account, 30)));

        assertThat(otherAccounts.withdraw(account, 30).balance()).isEqualTo(70);
        pause.resume();

        Answer refused = join(late);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).isEqualTo(STALE_TOKEN);
        assertThat(balance(account)).isEqualTo(70);
        assertThat(withdrawalsRecorded(account)).isEqualTo(1);
        assertThat(meters.get("serialized.lock.fence.rejected")
                        .tag("lock.name", "account")
                        .counter()
                        .count())
                .isPositive();
    }

    @Test
    void aWithdrawalWakingWhileTheNextOneWorksIsRefusedToo() {
        long account = openAccount(100);
        CompletableFuture<Answer> late = pausedPastItsLease(() -> http.send(withdrawal(account, 30)));
        Gate working = otherSlowWork.arm(Step.WITHDRAW, 1);
        CompletableFuture<Withdrawal> next =
                CompletableFuture.supplyAsync(() -> otherAccounts.withdraw(account, 30), threads);
        working.awaitArrived(); // admitted, balance read, not yet written

        pause.resume();
        working.open();

        assertThat(join(next).balance()).isEqualTo(70);
        Answer refused = join(late);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asString()).isEqualTo(STALE_TOKEN);
        assertThat(balance(account)).isEqualTo(70);
        assertThat(withdrawalsRecorded(account)).isEqualTo(1);
    }

    @Test
    void withoutTheFenceTheSamePauseWithdrawsTwiceUnderOneLock() {
        long account = openAccount(100);
        CompletableFuture<Long> late = pausedPastItsLease(() -> unfenced.withdraw(account, 30));

        assertThat(otherUnfenced.withdraw(account, 30)).isEqualTo(70);
        pause.resume();

        assertThat(join(late)).isEqualTo(40); // written after its lock had passed to another
        assertThat(balance(account)).isEqualTo(40);
        assertThat(withdrawalsRecorded(account)).isEqualTo(2);
    }

    @Test
    void withoutTheFenceAHolderWakingWhileTheNextOneWorksLosesAnUpdate() {
        long account = openAccount(100);
        CompletableFuture<Long> late = pausedPastItsLease(() -> unfenced.withdraw(account, 30));
        Gate nextRead = otherSlowWork.arm(Step.WITHDRAW, 1);
        Gate lateRead = slowWork.arm(Step.WITHDRAW, 1);
        CompletableFuture<Long> next =
                CompletableFuture.supplyAsync(() -> otherUnfenced.withdraw(account, 30), threads);
        nextRead.awaitArrived();

        pause.resume();
        lateRead.awaitArrived(); // both have read 100
        nextRead.open();
        lateRead.open();

        assertThat(join(next)).isEqualTo(70);
        assertThat(join(late)).isEqualTo(70);
        assertThat(withdrawalsRecorded(account)).isEqualTo(2);
        assertThat(balance(account)).isEqualTo(70); // two withdrawals of 30 from 100: one was lost
    }

    /**
     * Starts {@code call}, waits until it holds the lock and is paused, then until its lease has run out
     * (real time: the lease time, and the next renewal that finds it over).
     */
    private <T> CompletableFuture<T> pausedPastItsLease(Supplier<T> call) {
        CompletableFuture<Lease> lost = pause.arm();
        CompletableFuture<T> late = CompletableFuture.supplyAsync(call, threads);
        pause.awaitPaused();
        Lease lease = join(lost);
        assertThat(lease.isValid()).isFalse();
        assertThat(late).isNotDone();
        Awaitility.await("the lease row to expire by the database's clock")
                .atMost(Duration.ofSeconds(WAIT_SECONDS))
                .until(() -> jdbc.sql("SELECT COUNT(*) FROM serialized_by_lease WHERE expires_at >= CURRENT_TIMESTAMP")
                                .query(Long.class)
                                .single()
                        == 0);
        return late;
    }

    private static <T> T join(CompletableFuture<T> future) {
        return future.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    private HttpRequest withdrawal(long account, long amount) {
        return http.post("/accounts/" + account + "/withdrawals", "{\"amount\":" + amount + "}");
    }

    private long withdrawalsRecorded(long account) {
        return jdbc.sql("SELECT COUNT(*) FROM withdrawal WHERE account_id = ?")
                .param(account)
                .query(Long.class)
                .single();
    }

    /**
     * Pauses the next holder of an {@code account} lock once it has the lock, and stops the lease
     * provider's renewals while its lease lives, as stopping the process would. Every wait is bounded.
     */
    static final class HolderPause implements LockListener {

        private final AtomicBoolean armed = new AtomicBoolean();
        private volatile boolean renewalsStopped;
        private volatile CountDownLatch paused = new CountDownLatch(1);
        private volatile CountDownLatch resumed = new CountDownLatch(1);
        private volatile CompletableFuture<Lease> lost = new CompletableFuture<>();

        /** Pauses the next holder; the future completes with its lease once the provider lost it. */
        CompletableFuture<Lease> arm() {
            paused = new CountDownLatch(1);
            resumed = new CountDownLatch(1);
            lost = new CompletableFuture<>();
            armed.set(true);
            return lost;
        }

        void awaitPaused() {
            await(paused, "the holder to take the lock");
        }

        void resume() {
            resumed.countDown();
        }

        void reset() {
            armed.set(false);
            renewalsStopped = false;
            resumed.countDown();
        }

        boolean renewalsStopped() {
            return renewalsStopped;
        }

        @Override
        public void acquired(LockRequest request, Duration waited) {
            if (!request.name().equals("account") || !armed.compareAndSet(true, false)) {
                return;
            }
            renewalsStopped = true;
            paused.countDown();
            await(resumed, "the test to resume the paused holder");
        }

        /** The provider gave the paused lease up: renewals of the holders to come may go on. */
        @Override
        public void leaseLost(Lease lease) {
            renewalsStopped = false;
            lost.complete(lease);
        }

        private static void await(CountDownLatch latch, String what) {
            try {
                if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Waited " + WAIT_SECONDS + " s for " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
        }
    }

    /**
     * The application's DataSource, refusing connections to the lease provider's worker threads (its
     * renewals) while {@link HolderPause} stops them.
     */
    static final class PausableRenewals extends DelegatingDataSource {

        private final HolderPause pause;

        PausableRenewals(DataSource target, HolderPause pause) {
            super(target);
            this.pause = pause;
        }

        @Override
        public Connection getConnection() throws SQLException {
            refuseWhilePaused();
            return super.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            refuseWhilePaused();
            return super.getConnection(username, password);
        }

        private void refuseWhilePaused() throws SQLException {
            if (pause.renewalsStopped() && Thread.currentThread().getName().startsWith("serialized-by-lease-worker-")) {
                throw new SQLException("the process holding this lease is paused");
            }
        }
    }

    /** The demo's withdraw without {@code fenced}: the same lock and steps, for the controls only. */
    static class UnfencedWithdrawals {

        private final AccountRepository accounts;
        private final SlowWork slowWork;

        UnfencedWithdrawals(AccountRepository accounts, SlowWork slowWork) {
            this.accounts = accounts;
            this.slowWork = slowWork;
        }

        /** The balance left. */
        @SerializedBy(value = "#accountId", name = "account", instance = "accounts")
        @Transactional
        public long withdraw(long accountId, long amount) {
            long balance = accounts.find(accountId).orElseThrow().balance();
            slowWork.perform(Step.WITHDRAW);
            long newBalance = balance - amount;
            accounts.setBalance(accountId, newBalance);
            accounts.recordWithdrawal(accountId, amount, newBalance);
            return newBalance;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Config {

        @Bean
        static HolderPause holderPause() {
            return new HolderPause();
        }

        @Bean
        static BeanPostProcessor pausableRenewals(HolderPause pause) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource dataSource && !(bean instanceof PausableRenewals)
                            ? new PausableRenewals(dataSource, pause)
                            : bean;
                }
            };
        }

        @Bean
        UnfencedWithdrawals unfencedWithdrawals(AccountRepository accounts, SlowWork slowWork) {
            return new UnfencedWithdrawals(accounts, slowWork);
        }
    }
}
