package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.apache.ibatis.binding.MapperMethod;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.scripting.defaults.DefaultParameterHandler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The schema")
class SchemaTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv().freshDatabasePerTest();

    private static List<Map<String, Object>> query(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Nested
    @DisplayName("migrations")
    class Migrations {
        @Test
        @DisplayName("are applied when the store starts on an empty database, once")
        void appliedAtStart() throws SQLException {
            try (PostgresRetryStore store = PostgresRetryStore.start(TestStores.config(PG.database()).build())) {
                assertThat(store.summary().total()).isZero();
            }

            assertThat(PostgresSchema.migrate(PG.database().dataSource(), TestStores.SCHEMA)).as("nothing left to apply").isZero();
            assertThat(query(PG.database(), "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bot_delivery' ORDER BY 1"))
                    .extracting(r -> r.get("table_name"))
                    .contains("delivery", "pending_deliveries", "failed_deliveries", "delivery_status_counts", "flyway_schema_history");
        }

        @Test
        @DisplayName("go into the configured schema")
        void customSchema() throws SQLException {
            try (PostgresRetryStore store = PostgresRetryStore.start(TestStores.config(PG.database()).schema("shop_queue").build())) {
                store.save(Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(1, Payload.text("hi")).build(), Instant.now()), null);
            }

            assertThat(query(PG.database(), "SELECT count(*) AS n FROM shop_queue.delivery")).extracting(r -> r.get("n")).containsExactly(1L);
        }

        @Test
        @DisplayName("missing, with migrateOnStart off, is a configuration error naming the problem, not an outage")
        void missingSchema() {
            try (PostgresRetryStore store = PostgresRetryStore.start(TestStores.config(PG.database()).migrateOnStart(false).build())) {
                assertThatThrownBy(store::summary).isInstanceOf(IllegalStateException.class).hasMessageContaining("delivery")
                        .hasMessageContaining("does not exist");
            }
        }
    }

    @Nested
    @DisplayName("monitoring views")
    class Views {
        @Test
        @DisplayName("show counts and percentages by status, failures needing a human, and waiting work")
        void views() throws SQLException {
            MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
            try (PostgresRetryStore store = PostgresRetryStore.start(TestStores.config(PG.database()).build())) {
                List<Delivery> saved = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Delivery d = Delivery.accepted(DeliveryId.random(),
                            DeliveryRequest.builder(10 + i, Payload.text("m" + i)).businessReference("order-" + i).build(), clock.instant());
                    store.save(d, null);
                    saved.add(d);
                    clock.advanceMillis(1);
                }
                Lease lease = new Lease("w1", clock.instant().plusSeconds(30));
                List<Delivery> claimed = store.claimDue(clock.instant(), 2, lease);
                store.complete(claimed.get(0).id(), "w1", List.of(1L), clock.instant());
                store.fail(claimed.get(1).id(), "w1", new AttemptState(1, 11, 0, List.of(), "chat not found",
                        FailureClass.PERMANENT_RECIPIENT), clock.instant(), clock.instant());

                List<Map<String, Object>> counts = query(PG.database(), "SELECT status, count, percentage FROM bot_delivery.delivery_status_counts");
                assertThat(counts).extracting(r -> r.get("status") + "=" + r.get("count") + " (" + r.get("percentage") + "%)")
                        .containsExactly("DELIVERED=1 (25.00%)", "FAILED=1 (25.00%)", "PENDING=2 (50.00%)");

                List<Map<String, Object>> failed = query(PG.database(),
                        "SELECT business_reference, last_error, last_error_class, alert_sent FROM bot_delivery.failed_deliveries");
                assertThat(failed).extracting(r -> r.get("business_reference") + " " + r.get("last_error_class") + " " + r.get("alert_sent"))
                        .containsExactly("order-1 PERMANENT_RECIPIENT false");
                store.markNotified(claimed.get(1).id(), "w1", clock.instant());
                assertThat(query(PG.database(), "SELECT alert_sent FROM bot_delivery.failed_deliveries")).extracting(r -> r.get("alert_sent"))
                        .containsExactly(true);

                List<Map<String, Object>> pending = query(PG.database(),
                        "SELECT business_reference, status, priority, next_attempt_at FROM bot_delivery.pending_deliveries");
                assertThat(pending).extracting(r -> r.get("business_reference") + " " + r.get("status") + " " + r.get("priority"))
                        .containsExactly("order-2 PENDING NORMAL", "order-3 PENDING NORMAL");
                assertThat(pending).allSatisfy(r -> assertThat(r.get("next_attempt_at")).isNotNull());
            }
        }
    }

    @Nested
    @DisplayName("indexes")
    class Indexes {
        @Test
        @DisplayName("keep the claim and the owed-alert queries index scans when almost all of 50,000 rows are finished")
        void claimIsAnIndexScan() throws SQLException {
            TestDatabase db = PG.database();
            PostgresSchema.migrate(db.dataSource(), TestStores.SCHEMA);
            // 98 % delivered, 1 % failed and alerted, 0.1 % failed with the alert owed, 1 % waiting
            TestStores.execute(db, "INSERT INTO bot_delivery.delivery (id, idempotency_key, request_chat_id, payload_kind, "
                    + "priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id, next_attempt_at, due_at, "
                    + "created_at, updated_at, delivered_at, failed_at, notified_at) "
                    + "SELECT gen_random_uuid(), 'bulk-' || n, n, 'text', n % 3, 'RETRY', false, "
                    + "jsonb_build_object('v', 1, 'kind', 'text', 'text', 'bulk ' || n, 'parseMode', 'PLAIN'), s.status, n, "
                    + "s.due, s.due, t, t, CASE WHEN s.status = 'DELIVERED' THEN t END, CASE WHEN s.status = 'FAILED' THEN t END, "
                    + "CASE WHEN n % 100 = 1 THEN t END "
                    + "FROM generate_series(1, 50000) AS n, "
                    + "LATERAL (SELECT timestamptz '2026-03-01 09:00:00+00' + n * interval '10 ms' AS t) AS ts, "
                    + "LATERAL (SELECT CASE WHEN n % 100 = 0 THEN 'PENDING' WHEN n % 100 = 1 OR n % 1000 = 2 THEN 'FAILED' "
                    + "ELSE 'DELIVERED' END AS status, CASE WHEN n % 100 = 0 THEN ts.t END AS due) AS s");
            TestStores.execute(db, "ANALYZE bot_delivery.delivery");
            Map<String, Object> params = Map.of("now", Instant.parse("2026-03-01T10:00:00Z"), "max", 100,
                    "owner", "w1", "until", Instant.parse("2026-03-01T10:00:30Z"));

            String claimPlan = explain(db, "claimDue", params);
            String alertPlan = explain(db, "claimUnnotified", params);

            assertThat(claimPlan).contains("delivery_due_idx").doesNotContain("Seq Scan")
                    .as("one bounded index range per priority").contains("Index Cond: ((priority = ");
            assertThat(alertPlan).contains("delivery_unnotified_idx").doesNotContain("Seq Scan");
        }

        @Test
        @DisplayName("findFinal looks its ids up by primary key even when the statistics still say no row has ended")
        void findFinalLooksUpByIdWithStaleStatistics() throws SQLException {
            TestDatabase db = PG.database();
            PostgresSchema.migrate(db.dataSource(), TestStores.SCHEMA);
            // a broadcast just enqueued: analyzed while every row was PENDING, then almost all delivered before the
            // next ANALYZE; the status test alone then looks selective, and delivery_finished_idx (whose predicate it
            // is) was scanned whole on every call: 98 % of the rows read and thrown away
            TestStores.execute(db, "INSERT INTO bot_delivery.delivery (id, idempotency_key, request_chat_id, payload_kind, "
                    + "priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id, due_at, created_at, updated_at) "
                    + "SELECT gen_random_uuid(), 'bulk-' || n, n, 'text', 1, 'GIVE_UP', true, "
                    + "jsonb_build_object('v', 1, 'kind', 'text', 'text', 'bulk ' || n, 'parseMode', 'PLAIN'), 'PENDING', n, "
                    + "t, t, t FROM generate_series(1, 20000) AS n, "
                    + "LATERAL (SELECT timestamptz '2026-03-01 09:00:00+00' + n * interval '10 ms' AS t) AS ts");
            TestStores.execute(db, "ANALYZE bot_delivery.delivery");
            TestStores.execute(db, "UPDATE bot_delivery.delivery SET status = 'DELIVERED', due_at = NULL, delivered_at = updated_at "
                    + "WHERE request_chat_id % 50 <> 0");
            String[] ids = {java.util.UUID.randomUUID().toString(), java.util.UUID.randomUUID().toString()};

            String plan = explain(db, "findFinalByIds", Map.of("ids", ids));

            assertThat(plan).contains("delivery_pkey").doesNotContain("delivery_finished_idx").doesNotContain("delivery_status_idx");
        }

        @Test
        @DisplayName("the claim walks every priority the API has (ranks 0, 1, 2 are spelled out in the statement)")
        void claimCoversEveryPriority() {
            assertThat(java.util.Arrays.stream(io.botdelivery.api.Priority.values()).map(io.botdelivery.api.Priority::rank))
                    .containsExactly(0, 1, 2);
        }

        /** EXPLAIN of the mapper's own statement, with its parameters bound the way MyBatis binds them. */
        private String explain(TestDatabase db, String statement, Map<String, Object> params) throws SQLException {
            org.apache.ibatis.session.Configuration mybatis = PostgresRetryStore.sessionFactory(db.dataSource()).getConfiguration();
            MappedStatement ms = mybatis.getMappedStatement(DeliveryMapper.class.getName() + "." + statement);
            MapperMethod.ParamMap<Object> paramMap = new MapperMethod.ParamMap<>();
            paramMap.putAll(params);
            BoundSql sql = ms.getBoundSql(paramMap);
            try (Connection c = db.connect()) {
                c.createStatement().execute("SET search_path TO " + TestStores.SCHEMA);
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql.getSql())) {
                    new DefaultParameterHandler(ms, paramMap, sql).setParameters(ps);
                    StringBuilder plan = new StringBuilder();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            plan.append(rs.getString(1)).append('\n');
                        }
                    }
                    return plan.toString();
                }
            }
        }
    }
}
