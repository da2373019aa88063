package io.botdelivery.store.h2;

import io.botdelivery.store.jdbc.JdbcRetryStore;
import org.h2.jdbcx.JdbcConnectionPool;

import java.util.Objects;

/**
 * A {@code RetryStore} on H2: store-jdbc's queue with {@link H2Dialect}, on H2's own connection pool. In memory it
 * lasts as long as the process (tests, a single-instance bot that may lose its queue); in a file
 * ({@code jdbc:h2:./data/deliveries}) it survives restarts of one process; on an H2 server
 * ({@code jdbc:h2:tcp://host/…}) several processes may share it.
 */
public final class H2RetryStore extends JdbcRetryStore {
    private final JdbcConnectionPool pool;

    private H2RetryStore(JdbcConnectionPool pool) {
        super(pool, new H2Dialect());
        this.pool = pool;
    }

    /**
     * Opens a pool on {@code jdbcUrl} (e.g. {@code jdbc:h2:./data/deliveries}) and creates the table unless it exists.
     *
     * @throws io.botdelivery.core.spi.RetryStoreException if the database cannot be reached
     */
    public static H2RetryStore open(String jdbcUrl, String user, String password) {
        H2RetryStore store = new H2RetryStore(JdbcConnectionPool.create(Objects.requireNonNull(jdbcUrl, "jdbcUrl"),
                Objects.requireNonNullElse(user, ""), Objects.requireNonNullElse(password, "")));
        try {
            store.createSchema();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * A private in-memory database named {@code name}; it lives until the JVM exits (DB_CLOSE_DELAY=-1: closing the
     * last connection must not drop the queue), and stores opened later under the same name share it.
     */
    public static H2RetryStore inMemory(String name) {
        if (!name.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("name must be letters, digits and _ (it becomes part of a JDBC URL): " + name);
        }
        return open("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /** Closes the pool; idempotent. The database itself stays (a file, a server, or memory until the JVM exits). */
    @Override
    public void close() {
        pool.dispose();
    }
}
