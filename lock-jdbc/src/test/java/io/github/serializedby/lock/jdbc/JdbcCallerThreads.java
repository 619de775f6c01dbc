package io.github.serializedby.lock.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A data source that notes every thread that opens a connection or calls a connection or statement
 * (prepare, execute, read results), so a test can tell which threads did JDBC work.
 */
final class JdbcCallerThreads extends DelegatingDataSource {

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    JdbcCallerThreads(DataSource target) {
        super(target);
    }

    /** Whether {@code thread} did any JDBC work since the last {@link #forget()}. */
    boolean used(Thread thread) {
        return threads.contains(thread);
    }

    void forget() {
        threads.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        threads.add(Thread.currentThread());
        return (Connection) recording(Connection.class, super.getConnection());
    }

    private Object recording(Class<?> type, Object target) {
        InvocationHandler handler = (proxy, method, arguments) -> {
            threads.add(Thread.currentThread());
            Object result;
            try {
                result = method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement && method.getReturnType().isInterface()) {
                return recording(method.getReturnType(), result);
            }
            return result;
        };
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
