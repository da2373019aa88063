package io.botdelivery.store.postgres;

import io.botdelivery.testkit.postgres.TestDatabase;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Store set-up for tests: small pools and a short connection timeout (so outage tests fail fast), and an emptied
 * table instead of a new database per test (migrating takes ~0.5 s, truncating a few ms).
 */
final class TestStores {
    static final String SCHEMA = PostgresRetryStoreConfig.DEFAULT_SCHEMA;

    private TestStores() {
    }

    static PostgresRetryStoreConfig.Builder config(TestDatabase database) {
        return PostgresRetryStoreConfig.builder(database.jdbcUrl())
                .user(database.user())
                .password(database.password())
                .poolSize(4)
                .connectionTimeout(Duration.ofMillis(500));
    }

    /** Applies the migrations to a database once (e.g. in {@code @BeforeAll}). */
    static void migrate(TestDatabase database) {
        PostgresSchema.migrate(database.dataSource(), SCHEMA);
    }

    /** A started store over an emptied, already migrated database. */
    static PostgresRetryStore emptyStore(TestDatabase database) {
        execute(database, "TRUNCATE " + SCHEMA + ".delivery");
        return PostgresRetryStore.start(config(database).migrateOnStart(false).build());
    }

    /** Another started store over the same database, as a second process would have. */
    static PostgresRetryStore anotherStore(TestDatabase database) {
        return PostgresRetryStore.start(config(database).migrateOnStart(false).build());
    }

    static void execute(TestDatabase database, String sql) {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
