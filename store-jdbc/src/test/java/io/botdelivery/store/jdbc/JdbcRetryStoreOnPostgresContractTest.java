package io.botdelivery.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

/**
 * The whole store contract for the base on a real PostgreSQL (embedded, or DELIVERY_TEST_PG_URL): the same
 * JdbcRetryStore store-h2 uses, with real row locks that SKIP LOCKED skips. Each test starts from an empty table.
 */
class JdbcRetryStoreOnPostgresContractTest extends RetryStoreContract {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @BeforeAll
    static void createTable() {
        new JdbcRetryStore(PG.database().dataSource(), new PostgresDialect()).createSchema()
                // and again: the schema statements must be safe to run at every start
                .createSchema();
    }

    @Override
    protected RetryStore createStore(Clock clock) {
        try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE delivery");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return pooledStore(PG.database());
    }

    @Override
    protected RetryStore reopenStore(Clock clock) {
        return pooledStore(PG.database());
    }

    /** Stops the PostgreSQL server under the store, and starts it again. */
    @Override
    protected AutoCloseable makeStorageUnreachable() {
        PG.server().stop();
        return () -> PG.server().start();
    }

    /** A store on its own small pool, closed with it, as a process would have. */
    static RetryStore pooledStore(TestDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setMaximumPoolSize(4);
        // an outage surfaces within a second, not Hikari's default 30 s
        config.setConnectionTimeout(1_000);
        HikariDataSource pool = new HikariDataSource(config);
        return new JdbcRetryStore(pool, new PostgresDialect()) {
            @Override
            public void close() {
                pool.close();
            }
        };
    }
}
