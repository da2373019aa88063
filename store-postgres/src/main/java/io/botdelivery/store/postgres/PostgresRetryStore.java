package io.botdelivery.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.api.Redaction;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static io.botdelivery.store.postgres.DeliveryRows.micros;

/**
 * The durable {@link RetryStore} on PostgreSQL: MyBatis over the PostgreSQL JDBC driver and a HikariCP pool, schema
 * by Flyway (see {@link PostgresSchema}). Safe for many workers in many processes: claims lock rows with
 * {@code FOR UPDATE SKIP LOCKED} so concurrent workers never wait for or take each other's rows, and every write by a
 * worker checks its lease in the same statement.
 *
 * <p><b>Lifecycle.</b> Constructing opens nothing. {@link #start()} opens the pool, applies the migrations (when
 * {@code migrateOnStart}) and starts the LISTEN/NOTIFY threads (when {@code listenNotify}); {@link #close()} releases
 * all of it. Operations before {@code start()} or after {@code close()} throw {@link IllegalStateException}.
 *
 * <p><b>Deviations from the port's wording</b> (all within its contract): an IN_FLIGHT delivery whose lease ended is
 * ordered among due work by when its lease ended rather than by its original due time. A stored delivery that cannot
 * be read (corrupted, or written by a newer version) is never handed out as work: {@link #claimDue} moves it to
 * FAILED with class {@code UNREADABLE} and an alert owed, and every query returns a stand-in whose payload is a text
 * describing the problem (see {@code DeliveryRows#standIn}).
 *
 * <p><b>Failures.</b> PostgreSQL unreachable (connection refused or lost, server shutting down, pool timeout after
 * {@code connectionTimeout}) → {@link RetryStoreException}; the operation did not happen or its outcome is unknown,
 * and repeating it is safe. Anything else (e.g. the schema is missing) → {@link IllegalStateException}.
 */
public final class PostgresRetryStore implements RetryStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresRetryStore.class);

    /**
     * Deliveries per {@link #saveAll} statement. The statement binds one array per column, so there is no parameter
     * limit to respect; the bound keeps each statement short, so a batch does not hold its new keys' unique-index
     * entries (which a concurrent batch with shared keys waits for) long.
     */
    private static final int BATCH_ROWS = 500;

    private final PostgresRetryStoreConfig config;
    /** The application's pool ({@link #onDataSource}), or null when this store opens and closes its own. */
    private final DataSource applicationPool;
    private final List<Runnable> newWorkSubscribers = new CopyOnWriteArrayList<>();
    private final BatchedWrites batchedWrites = new BatchedWrites(this::run, d -> save(d, null));
    private final StoredReads reads = new StoredReads(this::run);
    private volatile Running running;
    private volatile boolean closed;

    /** What {@link #start()} opened. */
    private record Running(DataSource pool, SqlSessionFactory sessions, PostgresWakeups wakeups) {
    }

    /** A store for {@code config}; opens nothing until {@link #start()}. */
    public PostgresRetryStore(PostgresRetryStoreConfig config) {
        this(config, null);
    }

    private PostgresRetryStore(PostgresRetryStoreConfig config, DataSource applicationPool) {
        this.config = Objects.requireNonNull(config, "config");
        this.applicationPool = applicationPool;
    }

    /**
     * A started store on a pool the application owns (a Spring Boot {@code DataSource}, say): the migrations run on
     * it, every operation borrows one of its connections, and {@link #close()} leaves it open. Each borrowed
     * connection has {@code schema} set as its current schema and gets its previous one back before it is returned,
     * so the application's own queries never see the store's search path. The store does not LISTEN on such a pool
     * (that would hold one of the application's connections for good): other instances' submits are found at the
     * engine's next poll. The config's pool settings do not apply; {@link #config()} shows the pool's URL.
     *
     * @throws RetryStoreException      if PostgreSQL cannot be reached
     * @throws IllegalArgumentException if the pool is not PostgreSQL's or {@code schema} is not a plain identifier
     */
    public static PostgresRetryStore onDataSource(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        String url = PostgresConnections.urlOf(dataSource);
        PostgresRetryStore store = new PostgresRetryStore(
                PostgresRetryStoreConfig.builder(url).schema(schema).listenNotify(false).build(), dataSource);
        store.start();
        return store;
    }

    /** Convenience: construct and {@link #start()}. */
    public static PostgresRetryStore start(PostgresRetryStoreConfig config) {
        PostgresRetryStore store = new PostgresRetryStore(config);
        store.start();
        return store;
    }

    public PostgresRetryStoreConfig config() {
        return config;
    }

    /**
     * Opens the pool, migrates the schema when configured, and starts listening for new work when configured.
     * Idempotent.
     *
     * @throws RetryStoreException   if PostgreSQL cannot be reached (nothing is left open)
     * @throws IllegalStateException if the store was closed, or the migrations fail
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("this PostgresRetryStore was closed; create a new one");
        }
        if (running != null) {
            return;
        }
        HikariDataSource ownPool = null;
        PostgresWakeups wakeups = null;
        try {
            DataSource pool;
            if (applicationPool != null) {
                pool = PostgresConnections.schemaScoped(applicationPool, config.schema());
            } else {
                ownPool = new HikariDataSource(PostgresConnections.hikariConfig(config));
                pool = ownPool;
            }
            if (config.migrateOnStart()) {
                int applied = PostgresSchema.migrate(applicationPool != null ? applicationPool : pool, config.schema());
                log.info("store-postgres schema {}: {} migration(s) applied", config.schema(), applied);
            }
            SqlSessionFactory sessions = sessionFactory(pool);
            if (config.listenNotify()) {
                wakeups = new PostgresWakeups(config.schema() + "_new_work", () -> PostgresConnections.openListenConnection(config), pool, newWorkSubscribers);
                wakeups.start();
            }
            running = new Running(pool, sessions, wakeups);
            log.info("store-postgres started: {}", config);
        } catch (RuntimeException e) {
            if (wakeups != null) {
                wakeups.close();
            }
            if (ownPool != null) {
                ownPool.close();
            }
            if (StoreFailures.isUnavailable(e)) {
                throw new RetryStoreException("cannot start store-postgres: PostgreSQL at " + safeUrl() + " is unreachable", e);
            }
            throw new IllegalStateException("cannot start store-postgres (" + safeUrl() + ", schema " + config.schema()
                    + "): " + e.getMessage(), e);
        }
    }

    /** Stops the LISTEN/NOTIFY threads and closes the pool. Leases held by this instance simply run out. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        Running r = running;
        running = null;
        if (r != null) {
            if (r.wakeups() != null) {
                r.wakeups().close();
            }
            if (r.pool() instanceof HikariDataSource own) {
                own.close();
            }
        }
    }

    /**
     * Subscribes to "new work may be due": called (on the store's listener thread; keep it short, e.g. signal a
     * worker) when another process or this one saved a delivery that is not already leased, or redelivered one; and
     * once after the listener (re)connects, since notifications may have been missed. Only with {@code listenNotify};
     * otherwise the callback is never called. A hint: the worker must still poll every {@code pollInterval}.
     *
     * @return closing it unsubscribes
     */
    public AutoCloseable onNewWork(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        newWorkSubscribers.add(callback);
        return () -> newWorkSubscribers.remove(callback);
    }

    // ---- RetryStore ----------------------------------------------------------------------------------------------

    @Override
    public Saved save(Delivery delivery, Lease lease) {
        Objects.requireNonNull(delivery, "delivery");
        DeliveryRow row = DeliveryRows.newRow(delivery);
        Saved saved = run("save delivery " + delivery.id(), m -> {
            String status = m.insert(row, lease == null ? null : lease.owner(), lease == null ? null : micros(lease.until()));
            if (status != null) {
                DeliveryStatus stored = DeliveryStatus.valueOf(status);
                Delivery d = new Delivery(delivery.id(), delivery.request(), row.chatId, stored, row.attempts,
                        row.deliveredItems, row.messageIds, row.lastError, delivery.lastErrorClass(), row.createdAt,
                        row.updatedAt, row.nextAttemptAt, null, null);
                return new Saved(d, true, stored == DeliveryStatus.IN_FLIGHT);
            }
            DeliveryRow existing = m.findByIdempotencyKey(row.idempotencyKey);
            if (existing == null) {
                throw new IllegalArgumentException("delivery id " + delivery.id() + " is already stored under another "
                        + "idempotency key; a new delivery needs a new id");
            }
            return new Saved(DeliveryRows.toDeliveryOrStandIn(existing), false, false);
        });
        if (saved.created() && !saved.leased()) {
            announceNewWork();
        }
        return saved;
    }

    /**
     * Per chunk of {@value #BATCH_ROWS}: one {@code INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING} of the
     * first occurrence of each key (see {@link NewRowColumns}), then one SELECT of the keys it skipped (stored before, or by a concurrent saver meanwhile). Two
     * batches inserting shared keys in opposite orders can deadlock on the unique index; PostgreSQL then gives one
     * up, and that chunk is saved one delivery at a time, which cannot deadlock.
     */
    @Override
    public List<Saved> saveAll(List<Delivery> deliveries) {
        Objects.requireNonNull(deliveries, "deliveries");
        List<Delivery> batch = List.copyOf(deliveries); // throws on a null element before anything is stored
        List<Saved> answers = new ArrayList<>(batch.size());
        boolean created = false;
        for (int from = 0; from < batch.size(); from += BATCH_ROWS) {
            for (Saved saved : batchedWrites.saveChunk(batch.subList(from, Math.min(batch.size(), from + BATCH_ROWS)))) {
                answers.add(saved);
                created |= saved.created();
            }
        }
        if (created) {
            announceNewWork();
        }
        return answers;
    }


    @Override
    public List<Delivery> claimDue(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        if (max <= 0) {
            return List.of();
        }
        List<DeliveryRow> rows = run("claim due deliveries",
                m -> m.claimDue(micros(now), max, lease.owner(), micros(lease.until())));
        List<Delivery> claimed = new ArrayList<>(rows.size());
        for (DeliveryRow row : rows) {
            try {
                claimed.add(DeliveryRows.toDelivery(row));
            } catch (UnreadableDeliveryException e) {
                failUnreadable(row, lease.owner(), e.getMessage(), now);
            }
        }
        return claimed;
    }

    /**
     * A claimed row that cannot be read must not stop the worker, and must not come back forever: FAILED with the
     * reason, alert owed, free for any worker's {@link #claimUnnotified}.
     */
    private void failUnreadable(DeliveryRow row, String owner, String reason, Instant now) {
        log.error("delivery {} (reference {}) cannot be read and is moved to FAILED (UNREADABLE): {}", row.id,
                row.businessReference, reason);
        try {
            run("mark delivery " + row.id + " unreadable", m -> m.markUnreadable(row.id, owner, reason, micros(now)));
        } catch (RetryStoreException e) {
            // its lease will run out and the next claim will try again; the readable rows still go out now
            log.warn("could not mark delivery {} unreadable yet: {}", row.id, e.getMessage());
        }
    }

    @Override
    public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(lease, "lease");
        if (ids.isEmpty()) {
            return Set.of();
        }
        String[] idArray = StoredReads.idArray(ids);
        List<UUID> held = run("renew leases", m -> m.renewLeases(idArray, lease.owner(), micros(lease.until())));
        Set<DeliveryId> result = new LinkedHashSet<>();
        held.forEach(id -> result.add(new DeliveryId(id)));
        return result;
    }

    @Override
    public boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(messageIds, "messageIds");
        Objects.requireNonNull(now, "now");
        return run("complete delivery " + id, m -> m.complete(id.value(), owner, List.copyOf(messageIds), micros(now))) == 1;
    }

    /**
     * One {@code UPDATE ... FROM unnest(ids, message ids)} per call, checking status and lease owner per row as
     * {@link #complete} does.
     */
    @Override
    public Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
        LeasedWrites.checkBatch(completions, owner, now);
        if (completions.isEmpty()) {
            return Set.of();
        }
        return batchedWrites.completeAll(completions, owner, now);
    }

    @Override
    public boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now) {
        requireWrite(id, owner, state, now);
        return run("record an attempt of " + id, m -> m.recordAttempt(id.value(), owner, Progress.of(state), micros(now))) == 1;
    }

    /**
     * One {@code UPDATE ... FROM unnest(one array per column)} per call, checking status and lease owner per row as
     * {@link #recordAttempt} does, and writing the same columns.
     */
    @Override
    public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
        LeasedWrites.checkBatch(attempts, owner, now);
        if (attempts.isEmpty()) {
            return Set.of();
        }
        return batchedWrites.recordAttemptAll(attempts, owner, now);
    }

    @Override
    public boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now) {
        requireWrite(id, owner, state, now);
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        return run("reschedule delivery " + id,
                m -> m.reschedule(id.value(), owner, Progress.of(state), micros(nextAttemptAt), micros(now))) == 1;
    }

    @Override
    public boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil) {
        requireWrite(id, owner, state, now);
        Objects.requireNonNull(notifyLeaseUntil, "notifyLeaseUntil");
        return run("fail delivery " + id,
                m -> m.fail(id.value(), owner, Progress.of(state), micros(now), micros(notifyLeaseUntil))) == 1;
    }

    @Override
    public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        if (max <= 0) {
            return List.of();
        }
        List<DeliveryRow> rows = run("claim owed notifications",
                m -> m.claimUnnotified(micros(now), max, lease.owner(), micros(lease.until())));
        // an alert must go out even for a delivery that cannot be read: it is exactly the one a human must look at
        return rows.stream().map(DeliveryRows::toDeliveryOrStandIn).toList();
    }

    @Override
    public boolean markNotified(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        return run("mark " + id + " notified", m -> m.markNotified(id.value(), owner, micros(now))) == 1;
    }

    @Override
    public boolean cancel(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        return run("cancel delivery " + id, m -> m.cancel(id.value(), owner, micros(now))) == 1;
    }

    @Override
    public boolean redeliver(DeliveryId id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        boolean changed = run("redeliver delivery " + id, m -> m.redeliver(id.value(), micros(now))) == 1;
        if (changed) {
            announceNewWork();
        }
        return changed;
    }

    @Override
    public Optional<Delivery> find(DeliveryId id) {
        return reads.find(id);
    }

    @Override
    public List<Delivery> findAll(Collection<DeliveryId> ids) {
        return reads.findAll(ids);
    }

    @Override
    public List<Delivery> findFinal(Collection<DeliveryId> ids) {
        return reads.findFinal(ids);
    }

    @Override
    public int purgeFinished(Instant finishedBefore, int max) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        if (max < 1) {
            return 0;
        }
        return run("purge finished deliveries", m -> m.purgeFinished(micros(finishedBefore), max));
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        return reads.findByIdempotencyKey(key);
    }

    @Override
    public QueueSummary summary() {
        return reads.summary();
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        return reads.recentFailures(limit);
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    private static void requireWrite(DeliveryId id, String owner, AttemptState state, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
    }

    /** One statement (or two) in an auto-commit session; translates PostgreSQL failures. */
    private <T> T run(String operation, Function<DeliveryMapper, T> work) {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException(closed ? "this PostgresRetryStore is closed" : "PostgresRetryStore.start() was not called");
        }
        try (SqlSession session = r.sessions().openSession(true)) {
            return work.apply(session.getMapper(DeliveryMapper.class));
        } catch (PersistenceException e) {
            throw StoreFailures.translate(operation, e);
        }
    }

    private void announceNewWork() {
        Running r = running;
        if (r != null && r.wakeups() != null) {
            r.wakeups().announce();
        }
    }

    /** Package-private for tests that inspect the mapped statements (e.g. their query plans). */
    static SqlSessionFactory sessionFactory(DataSource pool) {
        return PostgresConnections.sessionFactory(pool);
    }

    private String safeUrl() {
        return Redaction.maskUrls(config.jdbcUrl());
    }

    @Override
    public String toString() {
        return "PostgresRetryStore[" + safeUrl() + ", schema " + config.schema() + (running != null ? "" : ", not running") + "]";
    }
}
