package io.github.serializedby.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.serializedby.lock.Lease;
import io.github.serializedby.lock.LockRequest;
import io.github.serializedby.lock.jdbc.advisory.PostgresAdvisoryLockProvider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Lock and release of an uncontended key on the local PostgreSQL: the raw floor ({@code
 * pg_try_advisory_lock} and {@code pg_advisory_unlock} on a held connection, two round trips), the
 * advisory-lock provider, and Spring Integration's {@code JdbcLockRegistry}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostgresBenchmark {

    private final Keys keys = new Keys(1024);
    private long rawKey;
    private Connection held;
    private PreparedStatement tryLock;
    private PreparedStatement unlock;
    private PostgresAdvisoryLockProvider provider;
    private HikariDataSource pool;
    private JdbcLockRegistry registry;

    @Setup
    public void connect() throws SQLException {
        if (!Servers.postgresAnswers()) {
            throw new IllegalStateException("PostgreSQL is not reachable at 127.0.0.1:5432");
        }
        held = Servers.postgres().getConnection();
        tryLock = held.prepareStatement("SELECT pg_try_advisory_lock(?)");
        unlock = held.prepareStatement("SELECT pg_advisory_unlock(?)");
        provider = PostgresAdvisoryLockProvider.builder(Servers.postgres())
                .createTable(true)
                .build();
        pool = Servers.pooledPostgres();
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS INT_LOCK (LOCK_KEY CHAR(36) NOT NULL,"
                    + " REGION VARCHAR(100) NOT NULL, CLIENT_ID CHAR(36), CREATED_DATE TIMESTAMP NOT NULL,"
                    + " EXPIRED_AFTER TIMESTAMP NOT NULL, CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION))");
        }
        DefaultLockRepository repository = new DefaultLockRepository(pool);
        repository.setTransactionManager(new DataSourceTransactionManager(pool));
        repository.afterPropertiesSet();
        repository.afterSingletonsInstantiated();
        registry = new JdbcLockRegistry(repository);
    }

    @TearDown
    public void disconnect() throws SQLException {
        provider.close();
        pool.close();
        held.close();
    }

    @Benchmark
    public boolean rawAdvisoryLockAndUnlock() throws SQLException {
        long key = rawKey++ & 1023;
        boolean locked = first(tryLock, key);
        first(unlock, key);
        return locked;
    }

    @Benchmark
    public long postgresAdvisoryLockProvider() {
        Lease lease =
                provider.tryAcquire(LockRequest.exclusive("bench", keys.next())).orElseThrow();
        long token = lease.fencingToken();
        lease.release();
        return token;
    }

    @Benchmark
    public boolean springIntegrationJdbcLockRegistry() {
        Lock lock = registry.obtain(keys.next());
        boolean locked = lock.tryLock();
        lock.unlock();
        return locked;
    }

    private static boolean first(PreparedStatement statement, long key) throws SQLException {
        statement.setLong(1, key);
        try (ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
