package io.botdelivery.store.jdbc;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.codec.PayloadCodec;
import io.botdelivery.codec.UnreadablePayloadException;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RetryStore} over plain JDBC: the queue's rules (leases, ordering keys, priorities, the alert outbox,
 * idempotency, retention, the "send started" mark) written once, for any SQL database a {@link SqlDialect} describes.
 * A store for a new database is a dialect and a class that hands this one a {@link DataSource} (see store-h2).
 *
 * <p><b>How the rules hold across workers.</b> Every operation is one transaction on one connection. A claim selects
 * due rows with the dialect's locking select (skipping rows other claimers hold), then leases each with an UPDATE
 * that re-checks in its WHERE clause that the row is still due: two claimers can never both lease a row, whatever
 * the database's locking does. Every write by a worker checks {@code status} and {@code lease_owner} in its WHERE
 * clause, so a worker that lost its lease, or repeats a write, changes nothing and gets {@code false}.
 *
 * <p><b>Deviations from the port's wording</b> (all within its contract, and the same as store-postgres): an
 * IN_FLIGHT delivery whose lease ended is ordered among due work by when its lease ended. Two deliveries with the
 * same ordering key saved at the same instant by two processes, both with a lease, may both be leased (the check and
 * the insert are not serialized); the engine saves one order's deliveries from one thread. A row that cannot be read
 * (see {@link PayloadCodec#read}) is never handed out: {@link #claimDue} moves it to FAILED ({@code UNREADABLE}) with
 * an alert owed, and queries show a stand-in whose text payload names the problem.
 *
 * <p><b>Failures.</b> Storage unreachable (as {@link SqlDialect#isUnavailable} decides) → {@link RetryStoreException};
 * any other SQL error → {@link IllegalStateException}.
 */
public class JdbcRetryStore implements RetryStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcRetryStore.class);
    private static final String UNFINISHED = "('PENDING', 'IN_FLIGHT')";
    /** "An earlier-created delivery with this row's ordering key is unfinished": the row must wait its turn. */
    private static final String HELD_BACK = "d.ordering_key IS NOT NULL AND EXISTS (SELECT 1 FROM delivery e"
            + " WHERE e.ordering_key = d.ordering_key AND e.status IN " + UNFINISHED
            + " AND (e.created_at < d.created_at OR (e.created_at = d.created_at AND e.seq < d.seq)))";

    /** Deliveries per {@link #saveAll} transaction: one SELECT of their keys and one JDBC batch of inserts. */
    private static final int BATCH_ROWS = 500;
    private static final String INSERT = "INSERT INTO delivery (id, idempotency_key, request_chat_id, payload_kind,"
            + " business_reference, ordering_key, priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id,"
            + " attempts, delivered_items, message_ids, last_error, last_error_class, next_attempt_at, lease_owner,"
            + " lease_until, due_at, created_at, updated_at, send_started)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final SqlDialect dialect;

    /** A store on {@code dataSource}; the table must exist ({@link #createSchema}). Opens nothing. */
    public JdbcRetryStore(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    /** Creates the table and its indexes unless they exist ({@link SqlDialect#schemaStatements}); returns this. */
    public JdbcRetryStore createSchema() {
        transaction("create the schema", c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : dialect.schemaStatements()) {
                    s.execute(ddl);
                }
            }
            return null;
        });
        return this;
    }

    // ---- DeliveryQueue -------------------------------------------------------------------------------------------

    @Override
    public Saved save(Delivery delivery, Lease lease) {
        Objects.requireNonNull(delivery, "delivery");
        DeliveryRequest r = delivery.request();
        try {
            return transaction("save delivery " + delivery.id(), c -> {
                boolean leased = lease != null && (r.orderingKey() == null || !exists(c, "SELECT 1 FROM delivery"
                        + " WHERE ordering_key = ? AND status IN " + UNFINISHED, r.orderingKey()));
                update(c, INSERT, insertParams(delivery, leased ? lease : null));
                return new Saved(stored(delivery, leased), true, leased);
            });
        } catch (DuplicateKey e) {
            Rows existing = one("find a delivery by idempotency key", "SELECT " + Rows.COLUMNS
                    + " FROM delivery WHERE idempotency_key = ?", r.idempotencyKey().value());
            if (existing == null) {
                throw new IllegalArgumentException("delivery id " + delivery.id() + " is already stored under another "
                        + "idempotency key; a new delivery needs a new id", e.getCause());
            }
            return new Saved(existing.toDeliveryOrStandIn(), false, false);
        }
    }

    /** Held by {@link #saveAll}: one batch at a time in this process (see there). */
    private final Object batchLock = new Object();

    /**
     * Per chunk of {@value #BATCH_ROWS}, one transaction: one SELECT finds the keys already stored, one JDBC batch
     * inserts the rest (the first occurrence of each key). If another process stores one of the keys in between, the
     * insert hits the unique key, the chunk rolls back and is saved again one delivery at a time.
     */
    @Override
    public List<Saved> saveAll(List<Delivery> deliveries) {
        Objects.requireNonNull(deliveries, "deliveries");
        List<Delivery> batch = List.copyOf(deliveries); // throws on a null element before anything is stored
        List<Saved> answers = new ArrayList<>(batch.size());
        // One batch at a time per store: two batches inserting shared keys in different orders wait on each other's
        // unique-index entries, and not every database detects that (H2 waits out its lock timeout, row after row).
        // Batches gain from fewer round trips, not from running side by side; other processes are still handled below.
        synchronized (batchLock) {
            for (int from = 0; from < batch.size(); from += BATCH_ROWS) {
                answers.addAll(saveChunk(batch.subList(from, Math.min(batch.size(), from + BATCH_ROWS))));
            }
        }
        return answers;
    }

    private List<Saved> saveChunk(List<Delivery> chunk) {
        Map<String, Delivery> firstByKey = new LinkedHashMap<>();
        chunk.forEach(d -> firstByKey.putIfAbsent(d.request().idempotencyKey().value(), d));
        Map<String, Saved> byKey;
        try {
            byKey = transaction("save " + chunk.size() + " deliveries", c -> {
                Map<String, Saved> found = new HashMap<>();
                for (Rows existing : rows(c, "SELECT " + Rows.COLUMNS + " FROM delivery WHERE idempotency_key IN ("
                        + String.join(", ", Collections.nCopies(firstByKey.size(), "?")) + ")", firstByKey.keySet().toArray())) {
                    found.put(existing.idempotencyKey(), new Saved(existing.toDeliveryOrStandIn(), false, false));
                }
                List<Delivery> fresh = firstByKey.values().stream()
                        .filter(d -> !found.containsKey(d.request().idempotencyKey().value())).toList();
                if (!fresh.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(INSERT)) {
                        for (Delivery d : fresh) {
                            bind(s, insertParams(d, null));
                            s.addBatch();
                        }
                        s.executeBatch();
                    } catch (BatchUpdateException e) {
                        // some drivers put the unique-key violation only in the chained exception
                        SQLException cause = e.getNextException();
                        throw cause != null && dialect.isDuplicateKey(cause) ? cause : e;
                    }
                }
                fresh.forEach(d -> found.put(d.request().idempotencyKey().value(), new Saved(stored(d, false), true, false)));
                return found;
            });
        } catch (DuplicateKey e) {
            return chunk.stream().map(d -> save(d, null)).toList();
        } catch (RetryStoreException e) {
            if (!isDeadlock(e)) {
                throw e;
            }
            // Two batches inserting shared keys in different orders wait for each other's unique-index entries; the
            // database gave one of them up. One delivery per transaction holds one key at a time and cannot deadlock.
            log.debug("a batch of {} deliveries met another one on shared keys; saving it one by one", chunk.size());
            return chunk.stream().map(d -> save(d, null)).toList();
        }
        List<Saved> answers = new ArrayList<>(chunk.size());
        Set<String> answered = new HashSet<>();
        for (Delivery d : chunk) {
            Saved saved = byKey.get(d.request().idempotencyKey().value());
            // a key repeated inside the chunk: its first occurrence was created, the later ones answer that delivery
            answers.add(answered.add(d.request().idempotencyKey().value()) ? saved : new Saved(saved.delivery(), false, false));
        }
        return answers;
    }

    /** Deadlock (40P01) or serialization failure (40001): the transaction was given up and nothing was stored. */
    private static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            // 40P01/40001: deadlock (PostgreSQL, H2); HYT00: H2's lock timeout, how it ends a wait it did not detect
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState())
                    || "HYT00".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The insert's parameters (see {@link #INSERT}): a new delivery, IN_FLIGHT under {@code lease} when given. */
    private Object[] insertParams(Delivery delivery, Lease lease) {
        DeliveryRequest r = delivery.request();
        boolean leased = lease != null;
        Instant due = dueAt(delivery);
        Object until = leased ? at(lease.until()) : Null.TIMESTAMP;
        DeliveryStatus status = leased ? DeliveryStatus.IN_FLIGHT : DeliveryStatus.PENDING;
        return new Object[] {delivery.id().value().toString(), r.idempotencyKey().value(), r.chatId(),
                r.payload().kind(), r.businessReference(), r.orderingKey(), r.priority().rank(), r.onAmbiguous().name(),
                r.allowPaidBroadcast(), PayloadCodec.write(r.payload()), status.name(), delivery.chatId(),
                delivery.attempts(), delivery.deliveredItems(), Rows.joinIds(delivery.messageIds()),
                delivery.lastError(), delivery.lastErrorClass() == null ? null : delivery.lastErrorClass().name(), due,
                leased ? lease.owner() : null, until, leased ? until : due, at(delivery.createdAt()),
                at(delivery.updatedAt()), false};
    }

    /** What was stored for a new delivery, as {@link #find} would read it back. */
    private Delivery stored(Delivery delivery, boolean leased) {
        return new Delivery(delivery.id(), delivery.request(), delivery.chatId(),
                leased ? DeliveryStatus.IN_FLIGHT : DeliveryStatus.PENDING, delivery.attempts(),
                delivery.deliveredItems(), delivery.messageIds(), delivery.lastError(), delivery.lastErrorClass(),
                at(delivery.createdAt()), at(delivery.updatedAt()), dueAt(delivery), null, null);
    }

    private Instant dueAt(Delivery delivery) {
        return at(delivery.nextAttemptAt() != null ? delivery.nextAttemptAt() : delivery.createdAt());
    }

    @Override
    public List<Delivery> claimDue(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        if (max <= 0) {
            return List.of();
        }
        Instant t = at(now);
        Instant until = at(lease.until());
        return transaction("claim due deliveries", c -> {
            List<Rows> due = rows(c, dialect.lockingSelect("SELECT " + Rows.COLUMNS + " FROM delivery d"
                    + " WHERE d.status IN " + UNFINISHED + " AND d.due_at <= ? AND NOT (" + HELD_BACK + ")"
                    + " ORDER BY d.priority, d.due_at, d.created_at, d.seq"), t, max);
            List<Delivery> claimed = new ArrayList<>(due.size());
            for (Rows row : due) {
                // the re-check: still due, so a row another claimer leased meanwhile is left alone
                if (update(c, "UPDATE delivery SET status = 'IN_FLIGHT', lease_owner = ?, lease_until = ?, due_at = ?,"
                                + " updated_at = ?, send_started = FALSE"
                                + " WHERE id = ? AND status IN " + UNFINISHED + " AND due_at <= ?",
                        lease.owner(), until, until, t, row.id(), t) == 0) {
                    continue;
                }
                try {
                    claimed.add(row.claimed(t).toDelivery());
                } catch (UnreadablePayloadException e) {
                    // must not stop the worker nor come back forever: FAILED, alert owed, free for any notifier
                    log.error("delivery {} (reference {}) cannot be read and is moved to FAILED (UNREADABLE): {}",
                            row.id(), row.businessReference(), e.getMessage());
                    update(c, "UPDATE delivery SET status = 'FAILED', last_error = ?, last_error_class = ?,"
                                    + " finished_at = ?, updated_at = ?, notified_at = NULL, next_attempt_at = NULL,"
                                    + " due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                            e.getMessage(), FailureClass.UNREADABLE.name(), t, t, row.id());
                }
            }
            return claimed;
        });
    }

    @Override
    public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(lease, "lease");
        Instant until = at(lease.until());
        return transaction("renew leases", c -> {
            Set<DeliveryId> held = new LinkedHashSet<>();
            for (DeliveryId id : ids) {
                if (update(c, "UPDATE delivery SET lease_until = ?, due_at = ? WHERE id = ? AND status = 'IN_FLIGHT'"
                        + " AND lease_owner = ?", until, until, id.value().toString(), lease.owner()) == 1) {
                    held.add(id);
                }
            }
            return held;
        });
    }

    @Override
    public boolean cancel(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        Instant t = at(now);
        String leaseCheck = owner != null ? "lease_owner = ?" : "lease_until <= ?";
        return write("cancel delivery " + id, "UPDATE delivery SET status = 'CANCELLED', finished_at = ?, updated_at = ?,"
                        + " next_attempt_at = NULL, due_at = NULL, lease_owner = NULL, lease_until = NULL, send_started = FALSE"
                        + " WHERE id = ? AND (status = 'PENDING' OR (status = 'IN_FLIGHT' AND " + leaseCheck + "))",
                t, t, id.value().toString(), owner != null ? owner : t);
    }

    @Override
    public boolean redeliver(DeliveryId id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        Instant t = at(now);
        return write("redeliver delivery " + id, "UPDATE delivery SET status = 'PENDING', attempts = 0,"
                + " next_attempt_at = ?, due_at = ?, finished_at = NULL, notified_at = NULL, lease_owner = NULL,"
                + " lease_until = NULL, updated_at = ?, send_started = FALSE WHERE id = ? AND status = 'FAILED'",
                t, t, t, id.value().toString());
    }

    @Override
    public int purgeFinished(Instant finishedBefore, int max) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        if (max < 1) {
            return 0;
        }
        return transaction("purge finished deliveries", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = prepare(c, dialect.lockingSelect("SELECT id FROM delivery"
                    + " WHERE status IN ('DELIVERED', 'FAILED', 'CANCELLED') AND finished_at < ?"
                    + " AND (status <> 'FAILED' OR notified_at IS NOT NULL) ORDER BY finished_at, seq"),
                    at(finishedBefore), max); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            int deleted = 0;
            for (String id : ids) {
                deleted += update(c, "DELETE FROM delivery WHERE id = ?", id);
            }
            return deleted;
        });
    }

    // ---- LeasedWrites and AlertOutbox ----------------------------------------------------------------------------

    @Override
    public boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(messageIds, "messageIds");
        Instant t = at(Objects.requireNonNull(now, "now"));
        return write("complete delivery " + id, "UPDATE delivery SET status = 'DELIVERED', message_ids = ?,"
                        + " finished_at = ?, updated_at = ?, send_started = FALSE, next_attempt_at = NULL, due_at = NULL,"
                        + " lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'IN_FLIGHT' AND lease_owner = ?",
                Rows.joinIds(messageIds), t, t, id.value().toString(), owner);
    }

    @Override
    public boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now) {
        return progress("record an attempt of", id, owner, state, now, "", List.of());
    }

    @Override
    public boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now) {
        Instant next = at(Objects.requireNonNull(nextAttemptAt, "nextAttemptAt"));
        return progress("reschedule", id, owner, state, now, ", status = 'PENDING', next_attempt_at = ?, due_at = ?,"
                + " lease_owner = NULL, lease_until = NULL", List.of(next, next));
    }

    @Override
    public boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil) {
        Instant until = at(Objects.requireNonNull(notifyLeaseUntil, "notifyLeaseUntil"));
        // FAILED and "alert owed" (notified_at NULL) in one statement; the failing worker keeps the alert's lease
        return progress("fail", id, owner, state, now, ", status = 'FAILED', finished_at = ?, notified_at = NULL,"
                + " next_attempt_at = NULL, due_at = NULL, lease_until = ?", List.of(at(now), until));
    }

    /** An owner's write of an attempt's progress, plus {@code more} assignments and their parameters. */
    private boolean progress(String what, DeliveryId id, String owner, AttemptState s, Instant now, String more,
                             List<Object> moreParams) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(s, "state");
        Objects.requireNonNull(now, "now");
        List<Object> params = new ArrayList<>(Arrays.asList(s.attempts(), s.chatId(), s.deliveredItems(),
                Rows.joinIds(s.messageIds()), s.lastError(), s.lastErrorClass() == null ? null : s.lastErrorClass().name(),
                s.sendStarted(), at(now)));
        params.addAll(moreParams);
        params.addAll(List.of(id.value().toString(), owner));
        return write(what + " delivery " + id, "UPDATE delivery SET attempts = ?, chat_id = ?, delivered_items = ?,"
                + " message_ids = ?, last_error = ?, last_error_class = ?, send_started = ?, updated_at = ?" + more
                + " WHERE id = ? AND status = 'IN_FLIGHT' AND lease_owner = ?", params.toArray());
    }

    @Override
    public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        if (max <= 0) {
            return List.of();
        }
        Instant t = at(now);
        String owed = "status = 'FAILED' AND notified_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)";
        return transaction("claim owed notifications", c -> {
            List<Delivery> claimed = new ArrayList<>();
            for (Rows row : rows(c, dialect.lockingSelect("SELECT " + Rows.COLUMNS + " FROM delivery d WHERE " + owed
                    + " ORDER BY finished_at, seq"), t, max)) {
                if (update(c, "UPDATE delivery SET lease_owner = ?, lease_until = ? WHERE id = ? AND " + owed,
                        lease.owner(), at(lease.until()), row.id(), t) == 1) {
                    // an alert must go out even for a delivery that cannot be read: a human must look at it
                    claimed.add(row.toDeliveryOrStandIn());
                }
            }
            return claimed;
        });
    }

    @Override
    public boolean markNotified(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Instant t = at(Objects.requireNonNull(now, "now"));
        return write("mark " + id + " notified", "UPDATE delivery SET notified_at = ?, updated_at = ?, lease_owner = NULL,"
                        + " lease_until = NULL WHERE id = ? AND status = 'FAILED' AND notified_at IS NULL AND lease_owner = ?",
                t, t, id.value().toString(), owner);
    }

    // ---- DeliveryQueries -----------------------------------------------------------------------------------------

    @Override
    public Optional<Delivery> find(DeliveryId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(one("find delivery " + id, "SELECT " + Rows.COLUMNS + " FROM delivery WHERE id = ?",
                id.value().toString())).map(Rows::toDeliveryOrStandIn);
    }

    /** One round trip for the whole batch. */
    @Override
    public List<Delivery> findAll(Collection<DeliveryId> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        return transaction("find " + ids.size() + " deliveries", c -> rows(c, "SELECT " + Rows.COLUMNS
                        + " FROM delivery WHERE id IN (" + marks + ")",
                ids.stream().map(id -> id.value().toString()).toArray())).stream().map(Rows::toDeliveryOrStandIn).toList();
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(one("find a delivery by idempotency key", "SELECT " + Rows.COLUMNS
                + " FROM delivery WHERE idempotency_key = ?", key.value())).map(Rows::toDeliveryOrStandIn);
    }

    @Override
    public QueueSummary summary() {
        return transaction("summarize the queue", c -> {
            Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
            try (PreparedStatement s = prepare(c, "SELECT status, COUNT(*) FROM delivery GROUP BY status");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(DeliveryStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            try (PreparedStatement s = prepare(c, "SELECT MIN(created_at) AS oldest FROM delivery WHERE status IN "
                    + UNFINISHED); ResultSet rs = s.executeQuery()) {
                return new QueueSummary(counts, rs.next() ? dialect.readInstant(rs, "oldest") : null);
            }
        });
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return transaction("list recent failures", c -> rows(c, dialect.limitedSelect("SELECT " + Rows.COLUMNS
                + " FROM delivery WHERE status = 'FAILED' ORDER BY finished_at DESC, seq DESC"), limit))
                .stream().map(Rows::toDeliveryOrStandIn).toList();
    }

    // ---- JDBC ----------------------------------------------------------------------------------------------------

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    protected interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** SQL NULL of a timestamp column: a Java {@code null} binds a text NULL, which some databases refuse there. */
    private enum Null { TIMESTAMP }

    /** Thrown out of {@link #transaction} when an insert hit a unique key (the transaction was rolled back). */
    private static final class DuplicateKey extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateKey(SQLException cause) {
            super(cause);
        }
    }

    /**
     * Runs {@code work} in one transaction and commits it; rolls back on any failure. SQL failures are translated:
     * unreachable storage → {@link RetryStoreException}, anything else → {@link IllegalStateException}.
     */
    protected final <T> T transaction(String operation, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c, autoCommit);
            }
        } catch (SQLException e) {
            if (dialect.isDuplicateKey(e)) {
                throw new DuplicateKey(e);
            }
            if (dialect.isUnavailable(e)) {
                throw new RetryStoreException("the database could not " + operation + ": " + e.getMessage()
                        + " (the operation did not happen or its outcome is unknown; retry later)", e);
            }
            throw new IllegalStateException(name() + " failed to " + operation + ": " + e.getMessage(), e);
        }
    }

    /**
     * Gives the pool its connection back as it lent it. Never throws: after an outage the connection is broken, and
     * its failure here must not hide the one that tells the caller the database is unreachable.
     */
    private static void restoreAutoCommit(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            log.debug("could not restore auto-commit on a connection the pool will discard: {}", e.getMessage());
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private boolean write(String operation, String sql, Object... params) {
        return transaction(operation, c -> update(c, sql, params)) == 1;
    }

    private Rows one(String operation, String sql, Object... params) {
        List<Rows> found = transaction(operation, c -> rows(c, sql, params));
        return found.isEmpty() ? null : found.get(0);
    }

    private int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    private boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            return rs.next();
        }
    }

    private List<Rows> rows(Connection c, String sql, Object... params) throws SQLException {
        List<Rows> result = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(Rows.read(rs, dialect));
            }
        }
        return result;
    }

    /** Every value is a bound parameter; instants go through the dialect, already at its precision. */
    private PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            bind(s, params);
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                dialect.bindInstant(s, i + 1, instant);
            } else if (p == Null.TIMESTAMP) {
                dialect.bindInstant(s, i + 1, null);
            } else if (p == null) {
                s.setNull(i + 1, Types.VARCHAR);
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    /** {@code instant} at the dialect's precision, so what is returned equals what is read back. */
    private Instant at(Instant instant) {
        return instant == null ? null : instant.truncatedTo(dialect.timestampPrecision());
    }

    private String name() {
        return getClass().isAnonymousClass() ? "JdbcRetryStore" : getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return name() + "[" + dialect.getClass().getSimpleName() + "]";
    }
}
