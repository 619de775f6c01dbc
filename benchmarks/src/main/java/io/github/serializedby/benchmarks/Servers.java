package io.github.serializedby.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The local servers the distributed benchmarks run against, and whether they answer. */
final class Servers {

    static final String REDIS_HOST = "127.0.0.1";
    static final int REDIS_PORT = 6379;
    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private Servers() {}

    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean redisAnswers() {
        return answers(REDIS_HOST, REDIS_PORT);
    }

    static boolean postgresAnswers() {
        return answers("127.0.0.1", 5432);
    }

    static LettuceConnectionFactory redis() {
        LettuceConnectionFactory factory =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration(REDIS_HOST, REDIS_PORT));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Plain connections, for providers that keep their own sessions. */
    static DataSource postgres() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(POSTGRES_URL);
        dataSource.setUser("postgres");
        return dataSource;
    }

    /** A pool, for peers that borrow a connection per statement. */
    static HikariDataSource pooledPostgres() {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(POSTGRES_URL);
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        return pool;
    }
}
