package io.github.serializedby.lock.jdbc;

import io.github.serializedby.lock.LockListener;
import io.github.serializedby.lock.support.LockStore;
import io.github.serializedby.lock.support.WaitBounds;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The options both JDBC providers' builders have; each provider's {@code Builder} adds its own.
 *
 * @param <B> the provider's builder, which every option returns
 */
public abstract class JdbcProviderBuilder<B extends JdbcProviderBuilder<B>> {

    private final DataSource dataSource;
    private boolean createTable;
    private LockListener listener = LockListener.NOOP;
    private int workerThreads = 2;
    private WaitBounds waitBounds = WaitBounds.unbounded();

    protected JdbcProviderBuilder(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Whether to create what the provider keeps in the database (its tables, or its token sequence) at
     * start-up if missing (false: it must exist).
     */
    public B createTable(boolean createTable) {
        this.createTable = createTable;
        return self();
    }

    /** Told when a lease is lost before it was released; the provider's javadoc says when that happens. */
    public B listener(LockListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Threads that make the attempts of asynchronous acquisitions and waiters, and a lease table's renewals
     * (2); they never wait for a lock.
     */
    public B workerThreads(int workerThreads) {
        this.workerThreads = ProviderRoom.atLeastOne(workerThreads, "workerThreads");
        return self();
    }

    /**
     * Bounds on the callers that wait in this JVM (none unless set); give every provider of an application
     * the same bounds.
     */
    public B waitBounds(WaitBounds waitBounds) {
        this.waitBounds = Objects.requireNonNull(waitBounds, "waitBounds");
        return self();
    }

    /** The data source given, as {@link DataSources#unwrap} leaves it. */
    protected final DataSource dataSource() {
        return DataSources.unwrap(dataSource);
    }

    /** Whether {@link #createTable(boolean)} asked for the schema to be created. */
    protected final boolean createsTable() {
        return createTable;
    }

    /** A room with these options' worker threads and listener over the store {@code stores} makes. */
    protected final <S extends LockStore<Long>> ProviderRoom<S> room(
            String threadPrefix, int deliveryThreads, Duration recheckInterval, ProviderRoom.StoreFactory<S> stores) {
        return new ProviderRoom<>(
                threadPrefix, workerThreads, deliveryThreads, recheckInterval, listener, waitBounds, stores);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
