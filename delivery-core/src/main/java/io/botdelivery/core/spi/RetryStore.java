package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The queue of deliveries: every accepted delivery is saved here before its first attempt, and workers lease due
 * ones from it. With a durable implementation this is what makes "nothing lost" true across crashes and replicas.
 *
 * <p><b>Contract.</b> Thread-safe, and safe for many workers in many processes. One delivery per idempotency key. A
 * leased delivery is never handed to a second worker until its lease ends; every write by a worker ({@code owner})
 * checks that it still holds the lease and returns {@code false}, changing nothing, when it does not (a slow worker
 * that lost its lease cannot overwrite a newer result). Every state transition is idempotent in effect: repeating it
 * returns {@code false} and changes nothing ({@link #recordAttempt} and {@link #renewLeases} answer whether the lease is
 * still held, so repeating them answers the same). Deliveries with an {@code orderingKey} are never claimed or leased while an
 * earlier-created delivery with the same key is PENDING or IN_FLIGHT. Null arguments throw
 * {@link NullPointerException}; a store that cannot reach its storage throws {@link RetryStoreException}.
 */
public interface RetryStore {

    /** The result of {@link #save}. */
    record Saved(Delivery delivery, boolean created, boolean leased) {
    }

    /**
     * Stores a new delivery (status PENDING, due at its {@code nextAttemptAt}), or returns the one stored under the
     * same idempotency key ({@code created = false}, nothing changed). If {@code lease} is not null, a newly created
     * delivery is stored IN_FLIGHT under that lease ({@code leased = true}) unless an earlier delivery with the same
     * ordering key is unfinished, so the caller may send it at once without another round trip.
     */
    Saved save(Delivery delivery, Lease lease);

    /**
     * Leases up to {@code max} due deliveries to {@code lease.owner()}: PENDING ones with {@code nextAttemptAt <= now}
     * and IN_FLIGHT ones whose lease ended ({@code until <= now}), ordered by priority, then due time, then creation.
     * They come back IN_FLIGHT.
     */
    List<Delivery> claimDue(Instant now, int max, Lease lease);

    /**
     * Extends the leases the owner still holds to {@code lease.until()} and returns the ids it still holds; a delivery
     * missing from the answer was lost (another worker may have it) and must not be sent.
     */
    Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease);

    /** IN_FLIGHT under {@code owner} → DELIVERED with the Telegram message ids; releases the lease. */
    boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now);

    /** Records an attempt's progress and keeps the lease (the worker will retry it soon, from memory). */
    boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now);

    /** IN_FLIGHT under {@code owner} → PENDING, due at {@code nextAttemptAt}, with the attempt's progress; releases the lease. */
    boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now);

    /**
     * IN_FLIGHT under {@code owner} → FAILED with the reason in {@code state}, and an admin notification owed, in one
     * step. The failed delivery stays leased to the owner until {@code notifyLeaseUntil} so it can notify at once;
     * after that any worker may {@link #claimUnnotified claim} the owed notification.
     */
    boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil);

    /** Leases up to {@code max} FAILED deliveries whose notification is owed and not leased (or whose lease ended). */
    List<Delivery> claimUnnotified(Instant now, int max, Lease lease);

    /** Records that the admin was notified about a FAILED delivery held by {@code owner}; it is never owed again. */
    boolean markNotified(DeliveryId id, String owner, Instant now);

    /**
     * PENDING → CANCELLED; also IN_FLIGHT → CANCELLED when leased by {@code owner} (null: only PENDING, or IN_FLIGHT
     * with an ended lease).
     */
    boolean cancel(DeliveryId id, String owner, Instant now);

    /**
     * FAILED → PENDING, due now, attempts reset to 0, notification no longer owed (a new failure owes a new one).
     * Album items already delivered stay delivered.
     */
    boolean redeliver(DeliveryId id, Instant now);

    Optional<Delivery> find(DeliveryId id);

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
