package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.core.spi.DeliveryQueue.Saved;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.LeasedWrites.Completion;
import io.botdelivery.core.spi.RetryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static io.botdelivery.store.postgres.DeliveryRows.micros;

/**
 * The batched writes of {@link PostgresRetryStore}: one chunk of {@code saveAll}, and the statements of
 * {@code completeAll} and {@code recordAttemptAll} with the answer of which rows they did not write. Separate because
 * building the per-column arrays and matching the answers back to the batch is bookkeeping of its own; the store
 * keeps the argument checks, the chunking and the new-work announcements.
 */
final class BatchedWrites {
    /** Logs under the store's name, as these writes did before they moved here. */
    private static final Logger log = LoggerFactory.getLogger(PostgresRetryStore.class);

    /** Runs one statement (or two) in an auto-commit session, translating PostgreSQL failures. */
    interface Statements {
        <T> T run(String operation, Function<DeliveryMapper, T> work);
    }

    private final Statements statements;
    /** Saves one delivery without a lease: the fallback for rows a batch could not settle. */
    private final Function<Delivery, Saved> saveOne;

    BatchedWrites(Statements statements, Function<Delivery, Saved> saveOne) {
        this.statements = statements;
        this.saveOne = saveOne;
    }

    List<Saved> saveChunk(List<Delivery> chunk) {
        Map<String, DeliveryRow> firstByKey = new LinkedHashMap<>();
        Map<String, Delivery> deliveryByKey = new HashMap<>();
        for (Delivery d : chunk) {
            String key = d.request().idempotencyKey().value();
            if (!firstByKey.containsKey(key)) {
                firstByKey.put(key, DeliveryRows.newRow(d));
                deliveryByKey.put(key, d);
            }
        }
        Map<String, Saved> byKey = new HashMap<>();
        try {
            statements.run("save " + chunk.size() + " deliveries", m -> {
                Set<String> inserted = new HashSet<>(m.insertAll(new NewRowColumns(List.copyOf(firstByKey.values()))));
                for (String key : inserted) {
                    DeliveryRow row = firstByKey.get(key);
                    Delivery d = deliveryByKey.get(key);
                    byKey.put(key, new Saved(new Delivery(d.id(), d.request(), row.chatId, DeliveryStatus.PENDING,
                            row.attempts, row.deliveredItems, row.messageIds, row.lastError, d.lastErrorClass(),
                            row.createdAt, row.updatedAt, row.nextAttemptAt, null, null), true, false));
                }
                String[] skipped = firstByKey.keySet().stream().filter(k -> !inserted.contains(k)).toArray(String[]::new);
                if (skipped.length > 0) {
                    for (DeliveryRow existing : m.findByIdempotencyKeys(skipped)) {
                        byKey.put(existing.idempotencyKey, new Saved(DeliveryRows.toDeliveryOrStandIn(existing), false, false));
                    }
                }
                return null;
            });
        } catch (RetryStoreException e) {
            if (!StoreFailures.isDeadlock(e)) {
                throw e;
            }
            log.debug("a batch of {} deliveries met another one on shared keys; saving it one by one", chunk.size());
            return chunk.stream().map(saveOne).toList();
        }
        List<Saved> answers = new ArrayList<>(chunk.size());
        Set<String> answered = new HashSet<>();
        for (Delivery d : chunk) {
            String key = d.request().idempotencyKey().value();
            Saved saved = byKey.get(key);
            if (saved == null) {
                // the key is not stored, yet the row was skipped: its id is taken by another key (or it was purged
                // in between); save says which
                saved = saveOne.apply(d);
            }
            // a key repeated inside the chunk: its first occurrence was created, the later ones answer that delivery
            answers.add(answered.add(key) ? saved : new Saved(saved.delivery(), false, false));
        }
        return answers;
    }

    /** {@code completions} already checked and not empty. */
    Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
        String[] ids = new String[completions.size()];
        String[] messageIds = new String[completions.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = completions.get(i).id().value().toString();
            messageIds[i] = NewRowColumns.arrayLiteral(completions.get(i).messageIds());
        }
        return notWritten(completions, statements.run("complete " + ids.length + " deliveries",
                m -> m.completeAll(ids, messageIds, owner, micros(now))));
    }

    /** {@code attempts} already checked and not empty. */
    Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
        AttemptColumns columns = new AttemptColumns(attempts);
        return notWritten(attempts, statements.run("record attempts of " + attempts.size() + " deliveries",
                m -> m.recordAttemptAll(columns, owner, micros(now))));
    }

    /** The ids of {@code batch} missing from {@code written}, in the order of the batch. */
    private static Set<DeliveryId> notWritten(List<? extends LeasedWrites.BatchItem> batch, List<UUID> written) {
        Set<UUID> done = new HashSet<>(written);
        Set<DeliveryId> notWritten = new LinkedHashSet<>();
        for (LeasedWrites.BatchItem item : batch) {
            if (!done.contains(item.id().value())) {
                notWritten.add(item.id());
            }
        }
        return notWritten;
    }
}
