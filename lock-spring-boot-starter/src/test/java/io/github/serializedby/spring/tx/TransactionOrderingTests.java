package io.github.serializedby.spring.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.spring.SerializedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The lock wraps the transaction: taken before it begins, released after it commits or rolls back. */
@SpringBootTest(
        classes = TransactionOrderingTests.TransactionalApplication.class,
        properties = "spring.datasource.url=jdbc:h2:mem:ordering;DB_CLOSE_DELAY=-1")
class TransactionOrderingTests {

    @Autowired
    Accounts accounts;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Events events;

    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @BeforeEach
    void createAccount() {
        jdbc.execute("create table if not exists account (id varchar(20) primary key, balance int not null)");
        jdbc.update("delete from account");
        jdbc.update("insert into account values ('a', 0)");
        events.clear();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void lockIsTakenBeforeTheTransactionAndReleasedAfterItCommits() {
        accounts.increment("a");

        assertThat(events.of(Thread.currentThread()))
                .containsExactly("lock acquired", "in transaction", "transaction committed", "lock released");
    }

    @Test
    void lockIsReleasedAfterARollback() {
        try {
            accounts.incrementThenFail("a");
        } catch (IllegalStateException expected) {
            // the transaction rolls back
        }

        assertThat(events.of(Thread.currentThread()))
                .containsExactly("lock acquired", "in transaction", "transaction rolled back", "lock released");
        assertThat(jdbc.queryForObject("select balance from account where id = 'a'", Integer.class))
                .isZero();
    }

    @Test
    void everyCallerSeesThePreviousCallersCommittedWrite() throws Exception {
        int callers = 8;
        int callsEach = 25;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            done.add(threads.submit(() -> {
                start.await();
                for (int call = 0; call < callsEach; call++) {
                    accounts.increment("a");
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> caller : done) {
            caller.get(60, TimeUnit.SECONDS);
        }

        assertThat(jdbc.queryForObject("select balance from account where id = 'a'", Integer.class))
                .isEqualTo(callers * callsEach);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Accounts.class)
    static class TransactionalApplication {

        @Bean
        Events events() {
            return new Events();
        }

        @Bean
        LockListener recordingListener(Events events) {
            return new LockListener() {
                @Override
                public void acquired(LockRequest request, Duration waited) {
                    events.add("lock acquired");
                }

                @Override
                public void released(LockRequest request, Duration held) {
                    events.add("lock released");
                }
            };
        }
    }

    static class Events {
        private final Map<Thread, List<String>> byThread = new ConcurrentHashMap<>();

        void add(String event) {
            byThread.computeIfAbsent(Thread.currentThread(), t -> new CopyOnWriteArrayList<>())
                    .add(event);
        }

        List<String> of(Thread thread) {
            return byThread.getOrDefault(thread, List.of());
        }

        void clear() {
            byThread.clear();
        }
    }

    static class Accounts {
        private final JdbcTemplate jdbc;
        private final Events events;

        Accounts(JdbcTemplate jdbc, Events events) {
            this.jdbc = jdbc;
            this.events = events;
        }

        @Transactional
        @SerializedBy("#id")
        public void increment(String id) {
            recordTransaction();
            Integer balance = jdbc.queryForObject("select balance from account where id = ?", Integer.class, id);
            jdbc.update("update account set balance = ? where id = ?", balance + 1, id);
        }

        @Transactional
        @SerializedBy("#id")
        public void incrementThenFail(String id) {
            increment(id);
            throw new IllegalStateException("fails after writing");
        }

        private void recordTransaction() {
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                events.add("in transaction");
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        events.add(status == STATUS_COMMITTED ? "transaction committed" : "transaction rolled back");
                    }
                });
            }
        }
    }
}
