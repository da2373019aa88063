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

    /**
     * Inserts {@code count} PENDING text deliveries due at {@code dueAt} in one statement (what {@code save} would
     * store, without 20,000 round trips), spread over 500 chats and the three priorities.
     */
    static void insertPending(TestDatabase database, int count, java.time.Instant dueAt) {
        String sql = "INSERT INTO " + SCHEMA + ".delivery (id, idempotency_key, request_chat_id, payload_kind, priority, "
                + "on_ambiguous, allow_paid_broadcast, payload, status, chat_id, next_attempt_at, due_at, created_at, updated_at) "
                + "SELECT gen_random_uuid(), 'bulk-' || n, 1 + n % 500, 'text', n % 3, 'RETRY', false, "
                + "jsonb_build_object('v', 1, 'kind', 'text', 'text', 'bulk ' || n, 'parseMode', 'PLAIN'), "
                + "'PENDING', 1 + n % 500, ?, ?, ?, ? FROM generate_series(1, ?) AS n";
        try (Connection c = database.connect(); java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(dueAt, java.time.ZoneOffset.UTC);
            for (int i = 1; i <= 4; i++) {
                ps.setObject(i, at);
            }
            ps.setInt(5, count);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("bulk insert: " + e.getMessage(), e);
        }
    }

    static void execute(TestDatabase database, String sql) {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
