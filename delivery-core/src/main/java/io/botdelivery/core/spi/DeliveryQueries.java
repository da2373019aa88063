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

    /**
     * The snapshots of those of {@code ids} that have ended ({@link DeliveryStatus#isFinal() final}), in no particular
     * order; the others are left out. The engine asks this to complete callers' futures, and a broadcast to count its
     * recipients: most of the ids asked about have not ended yet, and a store that filters them out where they are kept
     * (a {@code WHERE status IN (...)}) spares reading and decoding their rows. The default filters {@link #findAll}.
     */
    default List<Delivery> findFinal(Collection<DeliveryId> ids) {
        return findAll(ids).stream().filter(d -> d.status().isFinal()).toList();
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
