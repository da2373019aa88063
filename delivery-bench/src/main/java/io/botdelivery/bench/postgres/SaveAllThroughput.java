package io.botdelivery.bench.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.codec.PayloadCodec;
import io.botdelivery.store.postgres.PostgresRetryStore;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where {@code saveAll}'s time goes, and which way of writing a batch is fastest: rows per second and CPU per row
 * (this thread + PostgreSQL) of the store's {@code saveAll} and {@code save}, next to the bare statements a batch can
 * be written with, on one embedded PostgreSQL (synchronous_commit=on), one thread, in one run. Every method gets the
 * same kind of new deliveries and they alternate in rounds, so machine load hits all alike.
 *
 * <p>The bare statements, each one round trip per batch on one connection with generic plans (as the store's), each
 * inserting the store's columns with {@code ON CONFLICT DO NOTHING RETURNING idempotency_key}:
 * <ul>
 *   <li>a multi-row {@code VALUES} list, 20 parameters a row: the statement {@code saveAll} used before;</li>
 *   <li>{@code INSERT … SELECT FROM unnest(19 arrays)}: the statement {@code saveAll} uses now;</li>
 *   <li>COPY into a temporary table, then {@code INSERT … SELECT} from it, in one transaction;</li>
 *   <li>the unnest statement again with {@code synchronous_commit=off} for that connection (what the commit's WAL
 *       flush costs), and into a copy of the table with only its two unique indexes (what the other six indexes
 *       cost).</li>
 * </ul>
 * Plus, in the JVM only, the payload's JSON encoding per row. Arguments: rows per round (20000), rounds (3), batch
 * size (500).
 */
public final class SaveAllThroughput {
    private static final String SCHEMA = BenchDatabase.SCHEMA;
    private static final String COLUMNS = "id, idempotency_key, request_chat_id, payload_kind, business_reference, "
            + "ordering_key, priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id, attempts, "
            + "delivered_items, message_ids, last_error, last_error_class, next_attempt_at, due_at, created_at, updated_at";

    private SaveAllThroughput() {
    }

    /** One way of writing a batch of new deliveries. */
    private interface Method {
        void write(List<Delivery> batch) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (BenchDatabase db = new BenchDatabase("on");
             PostgresRetryStore store = PostgresRetryStore.start(db.storeConfig().poolSize(2).listenNotify(false).build());
             Connection c = db.connect();
             Connection asyncCommit = db.connect()) {
            for (Connection conn : List.of(c, asyncCommit)) {
                execute(conn, "SET search_path = " + SCHEMA);
                execute(conn, "SET plan_cache_mode = force_generic_plan");
            }
            execute(asyncCommit, "SET synchronous_commit = off");
            execute(c, "CREATE TABLE delivery_two_indexes (LIKE delivery INCLUDING DEFAULTS INCLUDING IDENTITY)");
            execute(c, "ALTER TABLE delivery_two_indexes ADD PRIMARY KEY (id), ADD UNIQUE (idempotency_key)");
            execute(c, "CREATE TEMP TABLE new_delivery (n integer, " + tempColumns() + ") ON COMMIT DELETE ROWS");

            Map<String, Method> methods = new LinkedHashMap<>();
            methods.put("store saveAll (unnest, now)", store::saveAll);
            methods.put("store save, one by one", b -> b.forEach(d -> store.save(d, null)));
            methods.put("VALUES list (saveAll before)", b -> valuesList(c, b));
            methods.put("unnest of arrays", b -> unnest(c, "delivery", b));
            methods.put("COPY + INSERT … SELECT", b -> copyThenInsert(c, b));
            methods.put("unnest, sync commit off", b -> unnest(asyncCommit, "delivery", b));
            methods.put("unnest, 2 of 8 indexes", b -> unnest(c, "delivery_two_indexes", b));

            CpuMeter cpu = new CpuMeter(db.port());
            for (Map.Entry<String, Method> m : methods.entrySet()) {
                run(cpu, m.getValue(), "warm-up:" + m.getKey(), 10_000, batch); // JIT, prepared statements, plans
            }
            System.out.printf(Locale.ROOT, "%d rows per round in batches of %d, %d rounds; load average at start %.1f%n",
                    rows, batch, rounds, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| round | method | rows/s | CPU µs per row (this thread + PostgreSQL) |");
            System.out.println("|---:|---|---:|---:|");
            for (int r = 1; r <= rounds; r++) {
                for (Map.Entry<String, Method> m : methods.entrySet()) {
                    double[] result = run(cpu, m.getValue(), "r" + r + ":" + m.getKey(), rows, batch);
                    System.out.printf(Locale.ROOT, "| %d | %s | %,.0f | %.0f |%n", r, m.getKey(), result[0], result[1]);
                }
            }
            List<Delivery> sample = deliveries("json", rows);
            long start = System.nanoTime();
            int chars = 0;
            for (Delivery d : sample) {
                chars += PayloadCodec.write(d.request().payload()).length();
            }
            System.out.printf(Locale.ROOT, "payload JSON encoding alone (PayloadCodec.write, JVM only): %.2f µs per row (%d chars)%n",
                    (System.nanoTime() - start) / 1e3 / rows, chars / rows);
        }
    }

    /** {rows per second, CPU µs per row or -1}. */
    private static double[] run(CpuMeter cpu, Method method, String tag, int rows, int batch) throws Exception {
        List<Delivery> all = deliveries(tag, rows);
        List<Thread> me = List.of(Thread.currentThread());
        long cpuBefore = cpu.cpuNanos(me);
        long start = System.nanoTime();
        for (int from = 0; from < rows; from += batch) {
            method.write(all.subList(from, Math.min(rows, from + batch)));
        }
        long nanos = System.nanoTime() - start;
        long cpuAfter = cpu.cpuNanos(me);
        return new double[] {rows / (nanos / 1e9), cpuBefore < 0 || cpuAfter < 0 ? -1 : (cpuAfter - cpuBefore) / 1e3 / rows};
    }

    private static List<Delivery> deliveries(String tag, int rows) {
        List<Delivery> all = new ArrayList<>(rows);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int i = 0; i < rows; i++) {
            all.add(Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(1 + i % 100_000,
                    Payload.text("news of the week")).idempotencyKey("bench:" + tag + ":" + i).build(), now));
        }
        return all;
    }

    // ---- the bare statements -------------------------------------------------------------------------------------

    private static void valuesList(Connection c, List<Delivery> batch) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO delivery (" + COLUMNS + ") VALUES ");
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        sql.append(" ON CONFLICT DO NOTHING RETURNING idempotency_key");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (Delivery d : batch) {
                DeliveryRequest r = d.request();
                OffsetDateTime at = utc(d.createdAt());
                ps.setObject(p++, d.id().value());
                ps.setString(p++, r.idempotencyKey().value());
                ps.setLong(p++, r.chatId());
                ps.setString(p++, r.payload().kind());
                ps.setString(p++, r.businessReference());
                ps.setString(p++, r.orderingKey());
                ps.setInt(p++, r.priority().rank());
                ps.setString(p++, r.onAmbiguous().name());
                ps.setBoolean(p++, r.allowPaidBroadcast());
                ps.setString(p++, PayloadCodec.write(r.payload()));
                ps.setLong(p++, d.chatId());
                ps.setInt(p++, d.attempts());
                ps.setInt(p++, d.deliveredItems());
                ps.setArray(p++, c.createArrayOf("bigint", d.messageIds().toArray()));
                ps.setString(p++, d.lastError());
                ps.setString(p++, null);
                ps.setObject(p++, at);
                ps.setObject(p++, at);
                ps.setObject(p++, at);
                ps.setObject(p++, at);
            }
            drain(ps);
        }
    }

    private static void unnest(Connection c, String table, List<Delivery> batch) throws SQLException {
        String sql = "INSERT INTO " + table + " (" + COLUMNS + ") "
                + "SELECT r.id, r.idempotency_key, r.request_chat_id, r.payload_kind, r.business_reference, r.ordering_key, "
                + "r.priority, r.on_ambiguous, r.allow_paid_broadcast, r.payload::jsonb, 'PENDING', r.chat_id, r.attempts, "
                + "r.delivered_items, r.message_ids::bigint[], r.last_error, r.last_error_class, r.next_attempt_at, "
                + "r.next_attempt_at, r.created_at, r.updated_at "
                + "FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::smallint[], ?::text[], "
                + "?::boolean[], ?::text[], ?::bigint[], ?::integer[], ?::integer[], ?::text[], ?::text[], ?::text[], "
                + "?::timestamptz[], ?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY AS r (id, idempotency_key, "
                + "request_chat_id, payload_kind, business_reference, ordering_key, priority, on_ambiguous, "
                + "allow_paid_broadcast, payload, chat_id, attempts, delivered_items, message_ids, last_error, "
                + "last_error_class, next_attempt_at, created_at, updated_at, n) "
                + "ORDER BY r.n ON CONFLICT DO NOTHING RETURNING idempotency_key";
        int n = batch.size();
        Object[][] cols = new Object[19][n];
        for (int i = 0; i < n; i++) {
            Delivery d = batch.get(i);
            DeliveryRequest r = d.request();
            String at = d.createdAt().toString();
            Object[] row = {d.id().value().toString(), r.idempotencyKey().value(), r.chatId(), r.payload().kind(),
                    r.businessReference(), r.orderingKey(), r.priority().rank(), r.onAmbiguous().name(),
                    r.allowPaidBroadcast(), PayloadCodec.write(r.payload()), d.chatId(), d.attempts(), d.deliveredItems(),
                    "{}", d.lastError(), null, at, at, at};
            for (int k = 0; k < row.length; k++) {
                cols[k][i] = row[k];
            }
        }
        String[] types = {"varchar", "varchar", "int8", "varchar", "varchar", "varchar", "int4", "varchar", "bool",
                "varchar", "int8", "int4", "int4", "varchar", "varchar", "varchar", "varchar", "varchar", "varchar"};
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int k = 0; k < 19; k++) {
                Array array = c.createArrayOf(types[k], cols[k]);
                ps.setArray(k + 1, array);
            }
            drain(ps);
        }
    }

    private static String tempColumns() {
        return "id uuid, idempotency_key text, request_chat_id bigint, payload_kind text, business_reference text, "
                + "ordering_key text, priority smallint, on_ambiguous text, allow_paid_broadcast boolean, payload text, "
                + "chat_id bigint, attempts integer, delivered_items integer, message_ids text, last_error text, "
                + "last_error_class text, at timestamptz";
    }

    private static void copyThenInsert(Connection c, List<Delivery> batch) throws Exception {
        StringBuilder csv = new StringBuilder(batch.size() * 200);
        int n = 0;
        for (Delivery d : batch) {
            DeliveryRequest r = d.request();
            csv.append(++n).append(',').append(d.id().value()).append(',').append(quote(r.idempotencyKey().value()))
                    .append(',').append(r.chatId()).append(',').append(quote(r.payload().kind())).append(',')
                    .append(quote(r.businessReference())).append(',').append(quote(r.orderingKey())).append(',')
                    .append(r.priority().rank()).append(',').append(r.onAmbiguous().name()).append(',')
                    .append(r.allowPaidBroadcast()).append(',').append(quote(PayloadCodec.write(r.payload()))).append(',')
                    .append(d.chatId()).append(',').append(d.attempts()).append(',').append(d.deliveredItems())
                    .append(",{},").append(quote(d.lastError())).append(",,").append(d.createdAt()).append('\n');
        }
        c.setAutoCommit(false);
        try {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY new_delivery FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delivery (" + COLUMNS + ") "
                    + "SELECT id, idempotency_key, request_chat_id, payload_kind, business_reference, ordering_key, priority, "
                    + "on_ambiguous, allow_paid_broadcast, payload::jsonb, 'PENDING', chat_id, attempts, delivered_items, "
                    + "message_ids::bigint[], last_error, last_error_class, at, at, at, at FROM new_delivery ORDER BY n "
                    + "ON CONFLICT DO NOTHING RETURNING idempotency_key")) {
                drain(ps);
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A CSV field: null is an empty unquoted field; anything else quoted, quotes doubled. */
    private static String quote(String value) {
        return value == null ? "" : '"' + value.replace("\"", "\"\"") + '"';
    }

    /** Reads the returned keys, as the store does to build its answers. */
    private static void drain(PreparedStatement ps) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("nothing inserted");
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
