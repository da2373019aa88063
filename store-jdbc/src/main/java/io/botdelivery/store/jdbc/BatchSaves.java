package io.botdelivery.store.jdbc;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.DeliveryQueue.Saved;
import io.botdelivery.core.spi.RetryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link JdbcRetryStore#saveAll}: deliveries saved in chunks, each one SELECT and one JDBC batch, falling back to
 * {@link JdbcRetryStore#save} one by one when another process or batch gets in the way. Separate because its
 * chunking, locking and fallbacks are a concern of their own, next to the queue's rules they reuse unchanged.
 */
final class BatchSaves {
    /** Logged under the store's name, as the store's own messages are. */
    private static final Logger log = LoggerFactory.getLogger(JdbcRetryStore.class);

    /** Deliveries per {@link JdbcRetryStore#saveAll} transaction: one SELECT of their keys and one JDBC batch of inserts. */
    static final int BATCH_ROWS = 500;

    private final JdbcRetryStore store;
    private final SqlDialect dialect;
    private final Statements jdbc;
    private final Inserts inserts;

    /** Held by {@link #saveAll}: one batch at a time in this process (see there). */
    private final Object batchLock = new Object();

    BatchSaves(JdbcRetryStore store, SqlDialect dialect, Statements jdbc, Inserts inserts) {
        this.store = Objects.requireNonNull(store, "store");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.inserts = Objects.requireNonNull(inserts, "inserts");
    }

    List<Saved> saveAll(List<Delivery> deliveries) {
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
            byKey = store.transaction("save " + chunk.size() + " deliveries", c -> {
                Map<String, Saved> found = new HashMap<>();
                for (Rows existing : jdbc.rows(c, "SELECT " + Rows.COLUMNS + " FROM delivery WHERE idempotency_key IN ("
                        + String.join(", ", Collections.nCopies(firstByKey.size(), "?")) + ")", firstByKey.keySet().toArray())) {
                    found.put(existing.idempotencyKey(), new Saved(existing.toDeliveryOrStandIn(), false, false));
                }
                List<Delivery> fresh = firstByKey.values().stream()
                        .filter(d -> !found.containsKey(d.request().idempotencyKey().value())).toList();
                if (!fresh.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement(Inserts.INSERT)) {
                        for (Delivery d : fresh) {
                            jdbc.bind(s, inserts.params(d, null));
                            s.addBatch();
                        }
                        s.executeBatch();
                    } catch (BatchUpdateException e) {
                        // some drivers put the unique-key violation only in the chained exception
                        SQLException cause = e.getNextException();
                        throw cause != null && dialect.isDuplicateKey(cause) ? cause : e;
                    }
                }
                fresh.forEach(d -> found.put(d.request().idempotencyKey().value(),
                        new Saved(inserts.stored(d, false), true, false)));
                return found;
            });
        } catch (JdbcRetryStore.DuplicateKey e) {
            return chunk.stream().map(d -> store.save(d, null)).toList();
        } catch (RetryStoreException e) {
            if (!isDeadlock(e)) {
                throw e;
            }
            // Two batches inserting shared keys in different orders wait for each other's unique-index entries; the
            // database gave one of them up. One delivery per transaction holds one key at a time and cannot deadlock.
            log.debug("a batch of {} deliveries met another one on shared keys; saving it one by one", chunk.size());
            return chunk.stream().map(d -> store.save(d, null)).toList();
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
}
