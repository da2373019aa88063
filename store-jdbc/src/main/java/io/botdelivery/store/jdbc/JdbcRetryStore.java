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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
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

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final Statements jdbc;
    private final Inserts inserts;
    private final BatchSaves batches;

    /** A store on {@code dataSource}; the table must exist ({@link #createSchema}). Opens nothing. */
    public JdbcRetryStore(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.jdbc = new Statements(dialect);
        this.inserts = new Inserts(jdbc);
        this.batches = new BatchSaves(this, dialect, jdbc, inserts);
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
                boolean leased = lease != null && (r.orderingKey() == null || !jdbc.exists(c, "SELECT 1 FROM delivery"
                        + " WHERE ordering_key = ? AND status IN " + UNFINISHED, r.orderingKey()));
                jdbc.update(c, Inserts.INSERT, inserts.params(delivery, leased ? lease : null));
                return new Saved(inserts.stored(delivery, leased), true, leased);
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

    /**
     * Per chunk of {@value BatchSaves#BATCH_ROWS}, one transaction: one SELECT finds the keys already stored, one
     * JDBC batch inserts the rest (the first occurrence of each key). If another process stores one of the keys in
     * between, the insert hits the unique key, the chunk rolls back and is saved again one delivery at a time.
     */
    @Override
    public List<Saved> saveAll(List<Delivery> deliveries) {
        return batches.saveAll(deliveries);
    }

    @Override
    public List<Delivery> claimDue(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        if (max <= 0) {
            return List.of();
        }
        Instant t = jdbc.at(now);
        Instant until = jdbc.at(lease.until());
        return transaction("claim due deliveries", c -> {
            List<Rows> due = jdbc.rows(c, dialect.lockingSelect("SELECT " + Rows.COLUMNS + " FROM delivery d"
                    + " WHERE d.status IN " + UNFINISHED + " AND d.due_at <= ? AND NOT (" + HELD_BACK + ")"
                    + " ORDER BY d.priority, d.due_at, d.created_at, d.seq"), t, max);
            List<Delivery> claimed = new ArrayList<>(due.size());
            for (Rows row : due) {
                // the re-check: still due, so a row another claimer leased meanwhile is left alone
                if (jdbc.update(c, "UPDATE delivery SET status = 'IN_FLIGHT', lease_owner = ?, lease_until = ?, due_at = ?,"
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
                    jdbc.update(c, "UPDATE delivery SET status = 'FAILED', last_error = ?, last_error_class = ?,"
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
        Instant until = jdbc.at(lease.until());
        return transaction("renew leases", c -> {
            Set<DeliveryId> held = new LinkedHashSet<>();
            for (DeliveryId id : ids) {
                if (jdbc.update(c, "UPDATE delivery SET lease_until = ?, due_at = ? WHERE id = ? AND status = 'IN_FLIGHT'"
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
        Instant t = jdbc.at(now);
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
        Instant t = jdbc.at(now);
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
            try (PreparedStatement s = jdbc.prepare(c, dialect.lockingSelect("SELECT id FROM delivery"
                    + " WHERE status IN ('DELIVERED', 'FAILED', 'CANCELLED') AND finished_at < ?"
                    + " AND (status <> 'FAILED' OR notified_at IS NOT NULL) ORDER BY finished_at, seq"),
                    jdbc.at(finishedBefore), max); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            int deleted = 0;
            for (String id : ids) {
                deleted += jdbc.update(c, "DELETE FROM delivery WHERE id = ?", id);
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
        Instant t = jdbc.at(Objects.requireNonNull(now, "now"));
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
        Instant next = jdbc.at(Objects.requireNonNull(nextAttemptAt, "nextAttemptAt"));
        return progress("reschedule", id, owner, state, now, ", status = 'PENDING', next_attempt_at = ?, due_at = ?,"
                + " lease_owner = NULL, lease_until = NULL", List.of(next, next));
    }

    @Override
    public boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil) {
        Instant until = jdbc.at(Objects.requireNonNull(notifyLeaseUntil, "notifyLeaseUntil"));
        // FAILED and "alert owed" (notified_at NULL) in one statement; the failing worker keeps the alert's lease
        return progress("fail", id, owner, state, now, ", status = 'FAILED', finished_at = ?, notified_at = NULL,"
                + " next_attempt_at = NULL, due_at = NULL, lease_until = ?", List.of(jdbc.at(now), until));
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
                s.sendStarted(), jdbc.at(now)));
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
        Instant t = jdbc.at(now);
        String owed = "status = 'FAILED' AND notified_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)";
        return transaction("claim owed notifications", c -> {
            List<Delivery> claimed = new ArrayList<>();
            for (Rows row : jdbc.rows(c, dialect.lockingSelect("SELECT " + Rows.COLUMNS + " FROM delivery d WHERE " + owed
                    + " ORDER BY finished_at, seq"), t, max)) {
                if (jdbc.update(c, "UPDATE delivery SET lease_owner = ?, lease_until = ? WHERE id = ? AND " + owed,
                        lease.owner(), jdbc.at(lease.until()), row.id(), t) == 1) {
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
        Instant t = jdbc.at(Objects.requireNonNull(now, "now"));
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
        return transaction("find " + ids.size() + " deliveries", c -> jdbc.rows(c, "SELECT " + Rows.COLUMNS
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
            try (PreparedStatement s = jdbc.prepare(c, "SELECT status, COUNT(*) FROM delivery GROUP BY status");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(DeliveryStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            try (PreparedStatement s = jdbc.prepare(c, "SELECT MIN(created_at) AS oldest FROM delivery WHERE status IN "
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
        return transaction("list recent failures", c -> jdbc.rows(c, dialect.limitedSelect("SELECT " + Rows.COLUMNS
                + " FROM delivery WHERE status = 'FAILED' ORDER BY finished_at DESC, seq DESC"), limit))
                .stream().map(Rows::toDeliveryOrStandIn).toList();
    }

    // ---- JDBC ----------------------------------------------------------------------------------------------------

    /** Work on one connection in one transaction. */
    @FunctionalInterface
    protected interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Thrown out of {@link #transaction} when an insert hit a unique key (the transaction was rolled back). */
    static final class DuplicateKey extends RuntimeException {
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
        return transaction(operation, c -> jdbc.update(c, sql, params)) == 1;
    }

    private Rows one(String operation, String sql, Object... params) {
        List<Rows> found = transaction(operation, c -> jdbc.rows(c, sql, params));
        return found.isEmpty() ? null : found.get(0);
    }

    private String name() {
        return getClass().isAnonymousClass() ? "JdbcRetryStore" : getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return name() + "[" + dialect.getClass().getSimpleName() + "]";
    }
}
