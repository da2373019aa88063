package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The read-only queries of {@link PostgresRetryStore} ({@code DeliveryQueries}): they never change a lease, so they
 * live apart from the store's lease-keeping writes, as the batched writes live in {@link BatchedWrites}. Every row
 * goes through {@link DeliveryRows#toDeliveryOrStandIn}: a row this version cannot read shows as a stand-in.
 */
final class StoredReads {
    private final BatchedWrites.Statements statements;

    StoredReads(BatchedWrites.Statements statements) {
        this.statements = statements;
    }

    /** {@code ids} as a text array, bound as one {@code ::uuid[]} parameter. */
    static String[] idArray(Collection<DeliveryId> ids) {
        return ids.stream().map(id -> id.value().toString()).toArray(String[]::new);
    }

    Optional<Delivery> find(DeliveryId id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(statements.run("find delivery " + id, m -> m.findById(id.value())))
                .map(DeliveryRows::toDeliveryOrStandIn);
    }

    /** One round trip for the whole batch. */
    List<Delivery> findAll(Collection<DeliveryId> ids) {
        return findBatch("find", ids, DeliveryMapper::findByIds);
    }

    /** One round trip; the rows that have not ended are filtered out in PostgreSQL, not read and decoded here. */
    List<Delivery> findFinal(Collection<DeliveryId> ids) {
        return findBatch("find the ended of", ids, DeliveryMapper::findFinalByIds);
    }

    private List<Delivery> findBatch(String operation, Collection<DeliveryId> ids,
                                     BiFunction<DeliveryMapper, String[], List<DeliveryRow>> query) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return List.of();
        }
        String[] uuids = idArray(ids);
        return statements.run(operation + " " + uuids.length + " deliveries", m -> query.apply(m, uuids)).stream()
                .map(DeliveryRows::toDeliveryOrStandIn).toList();
    }

    Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(statements.run("find a delivery by idempotency key", m -> m.findByIdempotencyKey(key.value())))
                .map(DeliveryRows::toDeliveryOrStandIn);
    }

    QueueSummary summary() {
        return statements.run("summarize the queue", m -> {
            Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
            for (Map<String, Object> row : m.countByStatus()) {
                counts.put(DeliveryStatus.valueOf((String) row.get("status")), ((Number) row.get("count")).longValue());
            }
            return new QueueSummary(counts, m.oldestWaitingSince());
        });
    }

    List<Delivery> recentFailures(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return statements.run("list recent failures", m -> m.recentFailures(limit)).stream()
                .map(DeliveryRows::toDeliveryOrStandIn).toList();
    }
}
