package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Read-only queries of a {@link RetryStore}; they never change a lease. Thread-safe. */
public interface DeliveryQueries {

    Optional<Delivery> find(DeliveryId id);

    /**
     * The snapshots of those of {@code ids} that exist, in no particular order. The engine asks with up to
     * {@code claimBatch} ids per poll, to complete callers' futures of deliveries finished elsewhere; a store should
     * answer with one round trip (the default asks {@link #find} once per id).
     */
    default List<Delivery> findAll(Collection<DeliveryId> ids) {
        return ids.stream().map(this::find).flatMap(Optional::stream).toList();
    }

    Optional<Delivery> findByIdempotencyKey(IdempotencyKey key);

    /** Counts by status, and the creation time of the oldest PENDING or IN_FLIGHT delivery. */
    QueueSummary summary();

    /** FAILED deliveries, most recently failed first, at most {@code limit}. */
    List<Delivery> recentFailures(int limit);

    /** Convenience: the count of one status. */
    default long count(DeliveryStatus status) {
        return summary().count(status);
    }
}
