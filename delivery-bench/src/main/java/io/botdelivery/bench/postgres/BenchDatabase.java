package io.botdelivery.bench.postgres;

import io.botdelivery.store.postgres.PostgresRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import io.botdelivery.store.postgres.PostgresSchema;
import io.botdelivery.testkit.postgres.PostgresServer;
import io.botdelivery.testkit.postgres.TestDatabase;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/** An embedded PostgreSQL with one migrated database, and the bulk data operations the scenarios need. */
final class BenchDatabase implements AutoCloseable {
    static final String SCHEMA = PostgresRetryStoreConfig.DEFAULT_SCHEMA;

    private final PostgresServer server;
    final TestDatabase database;
    final String synchronousCommit;

    BenchDatabase(String synchronousCommit) {
        this.synchronousCommit = synchronousCommit;
        this.server = PostgresServer.embedded(Map.of("synchronous_commit", synchronousCommit, "max_connections", "300"));
        this.database = server.createDatabase();
        PostgresSchema.migrate(database.dataSource(), SCHEMA);
    }

    PostgresRetryStoreConfig.Builder storeConfig() {
        return PostgresRetryStoreConfig.builder(database.jdbcUrl()).user(database.user()).password(database.password())
                .migrateOnStart(false).connectionTimeout(Duration.ofSeconds(10));
    }

    /** A store as one worker process would have: its own pool, no LISTEN/NOTIFY. */
    PostgresRetryStore workerStore() {
        return PostgresRetryStore.start(storeConfig().poolSize(2).listenNotify(false).build());
    }

    int port() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("//[^:/]+:(\\d+)/").matcher(database.jdbcUrl());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    Connection connect() throws SQLException {
        return database.connect();
    }

    /** Inserts {@code count} PENDING text deliveries, due now, over 10,000 chats and the three priorities. */
    void insertPending(int count) throws SQLException {
        execute("INSERT INTO " + SCHEMA + ".delivery (id, idempotency_key, request_chat_id, payload_kind, priority, "
                + "on_ambiguous, allow_paid_broadcast, payload, status, chat_id, next_attempt_at, due_at, created_at, updated_at) "
                + "SELECT gen_random_uuid(), gen_random_uuid()::text, 1 + n % 10000, 'text', n % 3, 'RETRY', false, "
                + "jsonb_build_object('v', 1, 'kind', 'text', 'text', 'your pack, part ' || n, 'parseMode', 'PLAIN'), "
                + "'PENDING', 1 + n % 10000, now(), now(), now(), now() FROM generate_series(1, " + count + ") AS n");
    }

    /** Inserts {@code count} DELIVERED rows: the history a long-running bot accumulates. */
    void insertDelivered(int count) throws SQLException {
        execute("INSERT INTO " + SCHEMA + ".delivery (id, idempotency_key, request_chat_id, payload_kind, priority, "
                + "on_ambiguous, allow_paid_broadcast, payload, status, chat_id, message_ids, created_at, updated_at, delivered_at) "
                + "SELECT gen_random_uuid(), gen_random_uuid()::text, 1 + n % 10000, 'text', n % 3, 'RETRY', false, "
                + "jsonb_build_object('v', 1, 'kind', 'text', 'text', 'old pack ' || n, 'parseMode', 'PLAIN'), "
                + "'DELIVERED', 1 + n % 10000, ARRAY[n::bigint], now() - interval '1 day', now(), now() "
                + "FROM generate_series(1, " + count + ") AS n");
    }

    long count(String status) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + SCHEMA + ".delivery WHERE status = ?")) {
            ps.setString(1, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Tops the queue up to {@code pending} due deliveries. */
    void ensurePending(int pending) throws SQLException {
        long missing = pending - count("PENDING");
        if (missing > 0) {
            insertPending((int) missing);
            execute("ANALYZE " + SCHEMA + ".delivery");
        }
    }

    /** Empties the queue, so a scenario starts with no other work in front of it. */
    void truncate() throws SQLException {
        execute("TRUNCATE " + SCHEMA + ".delivery");
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
