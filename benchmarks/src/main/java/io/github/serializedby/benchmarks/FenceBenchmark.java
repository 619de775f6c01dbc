package io.github.serializedby.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.fence.JdbcLockFence;
import io.github.serializedby.lock.memory.InMemoryLockProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The fence guard's cost on the local PostgreSQL: a small Spring transaction (read an account's balance,
 * write it back, commit) under an in-memory lease, with and without {@link JdbcLockFence#admit} as its
 * first statement, on 1024 accounts in turn. The fence keeps its tokens in a table of its own, emptied at
 * the start so that no earlier run's tokens can refuse this one's. Each fork also prints the
 * statements its transactions sent, which no load on the machine can blur.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FenceBenchmark {

    private static final String FENCE_TABLE = "bench_fence";
    private static final int ACCOUNTS = 1024;

    private final InMemoryLockProvider locks = new InMemoryLockProvider();
    private HikariDataSource pool;
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private JdbcLockFence fence;
    private int next;
    private long statements;
    private long transactionsRun;

    @Setup
    public void connect() {
        if (!Servers.postgresAnswers()) {
            throw new IllegalStateException("PostgreSQL is not reachable at 127.0.0.1:5432");
        }
        pool = Servers.pooledPostgres();
        DataSource counted = new DelegatingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                return counting(super.getConnection());
            }
        };
        jdbc = new JdbcTemplate(counted);
        jdbc.execute("create table if not exists bench_fence_account (id bigint primary key, balance bigint not null)");
        jdbc.execute("insert into bench_fence_account select id, 0 from generate_series(0, " + (ACCOUNTS - 1)
                + ") id on conflict do nothing");
        fence = JdbcLockFence.builder(counted)
                .tableName(FENCE_TABLE)
                .createTable(true)
                .build();
        jdbc.execute("truncate " + FENCE_TABLE);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(counted));
        statements = 0;
    }

    @TearDown
    public void disconnect() {
        System.out.printf(
                Locale.ROOT,
                "%nStatements per transaction, besides its commit: %.2f%n",
                (double) statements / transactionsRun);
        pool.close();
    }

    @Benchmark
    public long transactionWithoutFence() {
        return transaction(false);
    }

    @Benchmark
    public long transactionWithFence() {
        return transaction(true);
    }

    /** {@code connection}, counting the statements prepared on it. */
    private Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    if (method.getName().startsWith("prepare")
                            || method.getName().equals("createStatement")) {
                        statements++;
                    }
                    try {
                        return method.invoke(connection, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private long transaction(boolean fenced) {
        transactionsRun++;
        long account = next;
        next = (next + 1) & (ACCOUNTS - 1);
        Lease lease = locks.tryAcquire(LockRequest.exclusive("account", String.valueOf(account)))
                .orElseThrow();
        try {
            Long balance = transactions.execute(status -> {
                if (fenced) {
                    fence.admit(lease);
                }
                long read = Objects.requireNonNull(jdbc.queryForObject(
                        "select balance from bench_fence_account where id = ?", Long.class, account));
                jdbc.update("update bench_fence_account set balance = ? where id = ?", read + 1, account);
                return read + 1;
            });
            return Objects.requireNonNull(balance);
        } finally {
            lease.release();
        }
    }
}
